import { type Config, loadConfig } from '@shelfwise/config';
import { JobRepository, type Job as JobRow } from '@shelfwise/db';
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
import { type Job, QueueEvents } from 'bullmq';
import { createWorker, type ShelfwiseWorker } from '../src/create-worker';
import { until } from './until';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

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
  /** A worker's settings on these services; `env` adds to them or overrides them. */
  config(env?: Record<string, string>): Config;
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
  // One QueueEvents per queue waited on, each on a blocking connection of its own.
  const events = new Map<string, { queueEvents: QueueEvents; connection: RedisConnection }>();
  const eventsOf = async (queue: string) => {
    let listening = events.get(queue);
    if (!listening) {
      const own = createRedis(REDIS_URL, 'worker');
      listening = { queueEvents: new QueueEvents(queue, { connection: own, prefix }), connection: own };
      events.set(queue, listening);
      await listening.queueEvents.waitUntilReady();
    }
    return listening.queueEvents;
  };
  return {
    database,
    s3: buckets,
    prefix,
    connection,
    producer,
    jobs,
    logger: createLogger({ name: `worker-test-${label}`, level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    config: (env = {}) =>
      loadConfig({
        DATABASE_URL: database.url,
        REDIS_URL,
        QUEUE_PREFIX: prefix,
        S3_ENDPOINT: buckets.settings.endpoint,
        S3_BUCKET_DATASET: buckets.buckets.dataset,
        S3_BUCKET_INFERENCE: buckets.buckets.inference,
        S3_BUCKET_MODELS: buckets.buckets.models,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        JOB_BACKOFF_MS: '50',
        // Only this file's rows, which the tests enqueue themselves: the reconciler stays out of the way.
        RECONCILE_INTERVAL_MS: '600000',
        RECONCILE_MIN_AGE_MS: '600000',
        ...env,
      }),
    settled: (jobId, timeoutMs = 20_000) =>
      until(
        async () => {
          const row = await jobs.findById(jobId);
          return row && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(row.status) ? row : undefined;
        },
        `job ${jobId} ending`,
        timeoutMs,
      ),
    finished: async (job, timeoutMs = 20_000) =>
      job.waitUntilFinished(await eventsOf(job.queueName), timeoutMs),
    async close() {
      for (const listening of events.values()) {
        await listening.queueEvents.close();
        listening.connection.disconnect();
      }
      await Promise.all(producer.allQueues().map((queue) => queue.obliterate({ force: true })));
      await connection.del(`${prefix}:shelfwise:queue-marker`);
      await producer.close();
      connection.disconnect();
      await database.drop();
    },
  };
}

export interface TestWorker {
  worker: ShelfwiseWorker;
  config: Config;
  stop(): Promise<void>;
}

/** A worker as main.ts builds it, in process, on the file's services; `env` as for `config`. */
export async function startTestWorker(
  services: WorkerServices,
  env: Record<string, string> = {},
): Promise<TestWorker> {
  const config = services.config({ WORKER_PORT: String(await freePort()), ...env });
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
