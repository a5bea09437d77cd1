import type { QueueDepth } from '@shelfwise/metrics';
import type { Queue } from 'bullmq';

/** Job counts per BullMQ state and the age of the oldest waiting job, for each queue. */
export function queueDepths(queues: Queue[], now: () => number = Date.now): Promise<QueueDepth[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const [counts, oldest] = await Promise.all([
        queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
        // getWaiting lists oldest first: the first one tells how long the queue has been backed up.
        queue.getWaiting(0, 0),
      ]);
      const enqueuedAt = oldest[0]?.timestamp;
      return {
        queue: queue.name,
        counts: {
          waiting: counts.waiting ?? 0,
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
        },
        oldestWaitingAgeSeconds: enqueuedAt === undefined ? 0 : Math.max(0, (now() - enqueuedAt) / 1_000),
      };
    }),
  );
}
