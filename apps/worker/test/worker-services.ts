import { randomUUID } from 'node:crypto';
import { type Config, loadConfig } from '@shelfwise/config';
import type { JobName, JobPayload } from '@shelfwise/contracts';
import { JobRepository, type Job as JobRow, type JobType, type Prisma } from '@shelfwise/db';
import { createInfrastructure, createRedis, type RedisConnection } from '@shelfwise/infrastructure';
import { createLogger, type Logger } from '@shelfwise/logger';
import { Registry } from '@shelfwise/metrics';
import { JobProducer } from '@shelfwise/queue';
import {
  createTestDatabase,
  createTestS3,
  freePort,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { publishServingModel, trainSmallModel } from '@shelfwise/test-kit/model';
import type { Job, JobsOptions, Queue } from 'bullmq';
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

/** A job with a MySQL row: its type and stored request, and its queue payload for the row's id. */
export interface RecordedJob<N extends JobName> {
  name: N;
  type: JobType;
  input: Prisma.InputJsonValue;
  payload(jobId: string): JobPayload<N>;
  options?: Omit<JobsOptions, 'jobId'>;
}

/** As the gateway submits a job: the row first, then the queue entry under the row's id. */
export async function recordAndEnqueue<N extends JobName>(
  jobs: JobRepository,
  producer: JobProducer,
  job: RecordedJob<N>,
): Promise<string> {
  const id = randomUUID();
  await jobs.create({ id, type: job.type, input: job.input });
  await producer.enqueue(job.name, job.payload(id), id, job.options);
  return id;
}

/** The real services one worker test file runs against: its own database, buckets and queue prefix. */
export interface WorkerServices {
  database: TestDatabase;
  s3: TestS3;
  prefix: string;
  /** A blocking connection (BullMQ's rule for workers), as main.ts gives the consumers and the producer. */
  connection: RedisConnection;
  /** Puts jobs on this file's queues, with JOB_ATTEMPTS 3 and a short backoff unless a job says otherwise. */
  producer: JobProducer;
  jobs: JobRepository;
  logger: Logger;
  /** Records and enqueues a job on this file's queues (see recordAndEnqueue); returns its id. */
  submit<N extends JobName>(job: RecordedJob<N>): Promise<string>;
  /** Waits until the job row is SUCCEEDED, FAILED or CANCELLED, and returns it. */
  settled(jobId: string, timeoutMs?: number): Promise<JobRow>;
  /** Waits for a queued job to end and returns its result; rejects with its failure. */
  finished(job: Job, timeoutMs?: number): Promise<unknown>;
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
  return {
    database,
    s3: buckets,
    prefix,
    connection,
    producer,
    jobs,
    logger: createLogger({ name: `worker-test-${label}`, level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    submit: (job) => recordAndEnqueue(jobs, producer, job),
    settled: (jobId, timeoutMs = 20_000) =>
      until(
        async () => {
          const row = await jobs.findById(jobId);
          return row && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(row.status) ? row : undefined;
        },
        `job ${jobId} ending`,
        timeoutMs,
      ),
    async finished(job, timeoutMs) {
      const queue = producer.allQueues().find((candidate) => candidate.name === job.queueName);
      if (!queue || !job.id) throw new Error(`job ${job.id} is on no queue of this file`);
      const ended = await endedJob(queue, job.id, timeoutMs);
      if ((await ended.getState()) === 'failed') throw new Error(ended.failedReason);
      return ended.returnvalue;
    },
    async close() {
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
