import { type QueueName, queueLockMs } from '@shelfwise/contracts';
import type { RedisConnection } from '@shelfwise/infrastructure';
import type { Logger } from '@shelfwise/logger';
import { type Job, Worker } from 'bullmq';

export interface ConsumerOptions {
  queues: QueueName[];
  concurrency: Record<QueueName, number>;
  connection: RedisConnection;
  prefix: string;
  /** The JobRunner, or the dependency outage guard around it (it needs the lock token). */
  runner: { process(job: Job, token?: string): Promise<unknown> };
  logger: Logger;
  /** BullMQ lock duration; undefined: the catalog's (`queueLockMs`). Short in tests so a killed worker's job moves soon. */
  lockMs?: number | undefined;
  /** How often stalled jobs are looked for (BullMQ's default: 30 s). */
  stalledIntervalMs?: number | undefined;
}

/**
 * The BullMQ lock of a queue's jobs, which is also the MySQL lease of their runs: a dead worker's job is
 * taken over by BullMQ, and claimed in MySQL, after the same time (WORKER_LOCK_MS overrides the catalog).
 */
export function lockDurationOf(queue: QueueName, lockMs: number | undefined): number {
  return lockMs ?? queueLockMs(queue);
}

/** One BullMQ Worker per served queue. Stalled jobs (a worker that died) are taken over by BullMQ. */
export function startConsumers(options: ConsumerOptions): Worker[] {
  return options.queues.map((queue) => {
    const worker = new Worker(queue, options.runner.process, {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency[queue],
      lockDuration: lockDurationOf(queue, options.lockMs),
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    });
    // Failures are recorded on the job row by the runner; these events only make them visible in logs.
    worker.on('error', (error) => options.logger.error({ err: error, queue }, 'queue worker error'));
    return worker;
  });
}
