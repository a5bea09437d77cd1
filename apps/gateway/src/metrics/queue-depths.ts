import type { QueueDepth } from '@shelfwise/metrics';
import type { Queue } from 'bullmq';

/**
 * Job counts per BullMQ state and the age of the oldest job next in line, for each queue. Fair-shared jobs
 * (owner-priority.ts) are in the prioritized set, not the wait list, so both are counted and looked at.
 */
export function queueDepths(queues: Queue[], now: () => number = Date.now): Promise<QueueDepth[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const [counts, heads] = await Promise.all([
        queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
        // getWaiting lists oldest first; getPrioritized lowest number first, oldest first within it. The
        // older of the two heads tells how long the queue has been backed up.
        Promise.all([queue.getWaiting(0, 0), queue.getPrioritized(0, 0)]),
      ]);
      const enqueuedAt = heads.flat().map((job) => job.timestamp);
      return {
        queue: queue.name,
        counts: {
          waiting: counts.waiting ?? 0,
          prioritized: counts.prioritized ?? 0,
          active: counts.active ?? 0,
          delayed: counts.delayed ?? 0,
          failed: counts.failed ?? 0,
        },
        oldestWaitingAgeSeconds:
          enqueuedAt.length === 0 ? 0 : Math.max(0, (now() - Math.min(...enqueuedAt)) / 1_000),
      };
    }),
  );
}
