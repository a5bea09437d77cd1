import { randomUUID } from 'node:crypto';
import type { JobProducer } from '@shelfwise/queue';

type Queue = ReturnType<JobProducer['queue']>;

/**
 * The floor under the gateway: plain BullMQ `queue.add` calls (same job shape and options, job id set)
 * from one process, `concurrency` in flight at a time like the load's clients. Adds per second.
 */
export async function queueAddRate(queue: Queue, adds: number, concurrency: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < adds) {
      next++;
      const jobId = randomUUID();
      await queue.add('predict-csv', { v: 1, jobId, inputUri: 's3://dataset/tiny.csv' }, { jobId });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return adds / ((performance.now() - started) / 1_000);
}
