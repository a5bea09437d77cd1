import { QUEUES, type QueueRole } from '@shelfwise/contracts';
import type { Logger } from '@shelfwise/logger';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobRunner } from './job-runner';

export interface ConsumerOptions {
  roles: QueueRole[];
  concurrency: Record<QueueRole, number>;
  connection: Redis;
  prefix: string;
  runner: JobRunner;
  logger: Logger;
}

/** One BullMQ Worker per served queue role. Stalled jobs (a worker that died) are taken over by BullMQ. */
export function startConsumers(options: ConsumerOptions): Worker[] {
  return options.roles.map((role) => {
    const worker = new Worker(QUEUES[role], options.runner.process, {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency[role],
      // Training holds the event loop in slices; a longer lock keeps a busy worker's job from looking stalled.
      lockDuration: role === 'training' ? 120_000 : 30_000,
      maxStalledCount: 2,
    });
    // Failures are recorded on the job row by the runner; these events only make them visible in logs.
    worker.on('error', (error) =>
      options.logger.error({ err: error, queue: QUEUES[role] }, 'queue worker error'),
    );
    return worker;
  });
}
