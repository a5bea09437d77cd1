import { randomUUID } from 'node:crypto';
import { type Config, loadConfig } from '@shelfwise/config';
import { JOBS, QUEUE_NAMES, type QueuedJob, type RecordedJobType } from '@shelfwise/contracts';
import { JobRepository, type Job as JobRow, type Prisma } from '@shelfwise/db';
import { createInfrastructure, createRedis, type RedisConnection } from '@shelfwise/infrastructure';
import { createLogger, type Logger } from '@shelfwise/logger';
import { Registry } from '@shelfwise/metrics';
import { JobProducer, RecordedJobQueue } from '@shelfwise/queue';
import {
  createTestDatabase,
  createTestS3,
  freePort,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { publishServingModel, trainSmallModel } from '@shelfwise/test-kit/model';
import { type Job, type Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll } from 'vitest';
import { createWorker, type ShelfwiseWorker } from '../src/create-worker';
import { until } from './until';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The queue's job `id` once BullMQ is done with it: completed, or failed for good. */
export const endedJob = (queue: Queue, id: string, timeoutMs = 20_000): Promise<Job> =>
  until(
    async () => {
      const state = await queue.getJobState(id);
      return state === 'completed' || state === 'failed' ? queue.getJob(id) : undefined;
    },
    `the queue ending job ${id}`,
    timeoutMs,
  );

/** The real services one worker test file runs against: its own database, buckets and queue prefix. */
export interface WorkerServices {
  database: TestDatabase;
  s3: TestS3;
  prefix: string;
  /** A blocking connection (BullMQ's rule for workers), as main.ts gives the consumers and the producer. */
  connection: RedisConnection;
  /** Puts jobs on this file's queues: 3 attempts with a short backoff where the catalog retries a job. */
  producer: JobProducer;
  jobs: JobRepository;
  logger: Logger;
  /** Records a job row and enqueues it on this file's queues, as the gateway submits one; returns its id. */
  submit(type: RecordedJobType, input: Prisma.InputJsonValue): Promise<string>;
  /** Waits until the job row is SUCCEEDED, FAILED or CANCELLED, and returns it. */
  settled(jobId: string, timeoutMs?: number): Promise<JobRow>;
  /**
   * Enqueues a job without a row (online, retrain-check) and returns its result, rejecting with its failure.
   * It listens before the job exists, as the gateway does: an online job leaves nothing in Redis once done.
   */
  answer(job: QueuedJob, timeoutMs?: number): Promise<unknown>;
  close(): Promise<void>;
}

/** `s3`: buckets on a server of the test's own (one it stops, say); by default the run's shared server. */
export async function createWorkerServices(label: string, s3?: TestS3): Promise<WorkerServices> {
  const [database, buckets] = await Promise.all([
    createTestDatabase(`worker_${label}`),
    s3 ?? createTestS3(),
  ]);
  const prefix = uniquePrefix(`worker-${label}`);
  const connection = createRedis(REDIS_URL, 'worker');
  const producer = new JobProducer({ connection, prefix, attempts: 3, backoffMs: 50 });
  const jobs = new JobRepository(database.db);
  const submission = new RecordedJobQueue(jobs, producer);
  // Listening from the start, each on a blocking connection of its own: answers are never missed.
  const eventConnections = QUEUE_NAMES.map(() => createRedis(REDIS_URL, 'worker'));
  const events = new Map(
    QUEUE_NAMES.map((name, at) => [
      name,
      new QueueEvents(name, { connection: eventConnections[at] as RedisConnection, prefix }),
    ]),
  );
  await Promise.all([...events.values()].map((queueEvents) => queueEvents.waitUntilReady()));
  return {
    database,
    s3: buckets,
    prefix,
    connection,
    producer,
    jobs,
    logger: createLogger({ name: `worker-test-${label}`, level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    submit: async (type, input) => (await submission.submit({ id: randomUUID(), type, input })).id,
    settled: (jobId, timeoutMs = 20_000) =>
      until(
        async () => {
          const row = await jobs.findById(jobId);
          return row && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(row.status) ? row : undefined;
        },
        `job ${jobId} ending`,
        timeoutMs,
      ),
    answer(job, timeoutMs = 20_000) {
      const id = randomUUID();
      const queueEvents = events.get(JOBS[job.name].queue) as QueueEvents;
      const answered = new Promise((resolve, reject) => {
        const settle = (end: () => void) => {
          clearTimeout(deadline);
          queueEvents.off('completed', completed);
          queueEvents.off('failed', failed);
          end();
        };
        const completed = (event: { jobId: string; returnvalue: unknown }) => {
          if (event.jobId === id) settle(() => resolve(event.returnvalue));
        };
        const failed = (event: { jobId: string; failedReason: string }) => {
          if (event.jobId === id) settle(() => reject(new Error(event.failedReason)));
        };
        const deadline = setTimeout(
          () => settle(() => reject(new Error(`job ${id} (${job.name}) got no answer in ${timeoutMs} ms`))),
          timeoutMs,
        );
        queueEvents.on('completed', completed);
        queueEvents.on('failed', failed);
      });
      return producer.enqueue(job, id).then(() => answered);
    },
    async close() {
      for (const queueEvents of events.values()) await queueEvents.close();
      for (const listening of eventConnections) listening.disconnect();
      await Promise.all(producer.allQueues().map((queue) => queue.obliterate({ force: true })));
      await connection.del(`${prefix}:shelfwise:queue-marker`);
      await producer.close();
      connection.disconnect();
      await database.drop();
    },
  };
}

/** Test-kit's small model, trained in process and made the serving version: for the handlers that predict. */
export async function publishSmallModel(
  services: WorkerServices,
): Promise<{ version: number; labels: string[] }> {
  const trained = await trainSmallModel(1);
  const { database, s3 } = services;
  const version = await publishServingModel(database.db, s3.store, s3.buckets.models, trained);
  return { version, labels: [...trained.labels] };
}

export interface TestWorker {
  worker: ShelfwiseWorker;
  config: Config;
  stop(): Promise<void>;
}

/** A worker as main.ts builds it, in process, on the file's services; `env` adds settings or overrides them. */
export async function startTestWorker(
  services: WorkerServices,
  env: Record<string, string> = {},
): Promise<TestWorker> {
  const { database, s3 } = services;
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL,
    QUEUE_PREFIX: services.prefix,
    S3_ENDPOINT: s3.settings.endpoint,
    S3_BUCKET_DATASET: s3.buckets.dataset,
    S3_BUCKET_INFERENCE: s3.buckets.inference,
    S3_BUCKET_MODELS: s3.buckets.models,
    WORKER_PORT: String(await freePort()),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JOB_BACKOFF_MS: '50',
    // Only this file's rows, which the tests enqueue themselves: the reconciler stays out of the way.
    RECONCILE_INTERVAL_MS: '600000',
    RECONCILE_MIN_AGE_MS: '600000',
    ...env,
  });
  const infrastructure = createInfrastructure(config);
  const connection = createRedis(config.redisUrl, 'worker');
  const worker = createWorker({
    config,
    logger: services.logger,
    infrastructure,
    connection,
    registry: new Registry(),
  });
  await worker.start();
  return {
    worker,
    config,
    async stop() {
      await worker.stop();
      connection.disconnect();
      await infrastructure.close();
    },
  };
}

/** What `useWorker` gives a test file, filled in before its first test. */
export interface WorkerFile {
  services: WorkerServices;
  worker: TestWorker;
  /** With `model`: the serving version and its labels. */
  model: { version: number; labels: string[] };
}

/**
 * The file's services and an in-process worker on them (with `model`: serving test-kit's small model
 * first), started before the file's tests and closed after them.
 */
export function useWorker(
  label: string,
  env: Record<string, string>,
  options: { model?: boolean } = {},
): WorkerFile {
  const file = {} as WorkerFile;
  beforeAll(async () => {
    file.services = await createWorkerServices(label);
    if (options.model) file.model = await publishSmallModel(file.services);
    file.worker = await startTestWorker(file.services, env);
  });
  afterAll(async () => {
    await file.worker?.stop();
    await file.services?.close();
  });
  return file;
}
