import { QUEUES, type QueueRole } from '@shelfwise/contracts';
import type { RedisConnection } from '@shelfwise/infrastructure';
import type { Logger } from '@shelfwise/logger';
import { type Job, Worker } from 'bullmq';

export interface ConsumerOptions {
  roles: QueueRole[];
  concurrency: Record<QueueRole, number>;
  connection: RedisConnection;
  prefix: string;
  /** The JobRunner, or the dependency outage guard around it (it needs the lock token). */
  runner: { process(job: Job, token?: string): Promise<unknown> };
  logger: Logger;
  /** BullMQ lock duration; undefined: 30 s, training 120 s. Short in tests so a killed worker's job moves soon. */
  lockMs?: number | undefined;
  /** How often stalled jobs are looked for (BullMQ's default: 30 s). */
  stalledIntervalMs?: number | undefined;
}

/**
 * The BullMQ lock of a queue's jobs, which is also the MySQL lease of their runs: a dead worker's job is
 * taken over by BullMQ, and claimed in MySQL, after the same time. Training holds the event loop in slices;
 * a longer lock keeps a busy worker's job from looking stalled.
 */
export function lockDurationOf(role: QueueRole, lockMs: number | undefined): number {
  return lockMs ?? (role === 'training' ? 120_000 : 30_000);
}

/** One BullMQ Worker per served queue role. Stalled jobs (a worker that died) are taken over by BullMQ. */
export function startConsumers(options: ConsumerOptions): Worker[] {
  return options.roles.map((role) => {
    const worker = new Worker(QUEUES[role], options.runner.process, {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency[role],
      lockDuration: lockDurationOf(role, options.lockMs),
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: 2,
    });
    // Failures are recorded on the job row by the runner; these events only make them visible in logs.
    worker.on('error', (error) =>
      options.logger.error({ err: error, queue: QUEUES[role] }, 'queue worker error'),
    );
    return worker;
  });
}
