import { createRedis } from '@shelfwise/infrastructure';
import { uniquePrefix } from '@shelfwise/test-kit';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { queueDepths } from './queue-depths';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('queueDepths on Redis', () => {
  const connection = createRedis(REDIS_URL, 'client');
  const queue = new Queue('inference', { connection, prefix: uniquePrefix('queue-depths') });

  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
  });

  it('counts jobs per state and dates the oldest waiting one', async () => {
    expect(await queueDepths([queue])).toEqual([
      {
        queue: 'inference',
        counts: { waiting: 0, prioritized: 0, active: 0, delayed: 0, failed: 0 },
        oldestWaitingAgeSeconds: 0,
      },
    ]);
    const first = await queue.add('predict-csv', { n: 1 });
    // A later job: if the oldest were read from the wrong end, the age would be 20 s.
    await queue.add('predict-csv', { n: 2 }, { timestamp: (first.timestamp ?? 0) + 10_000 });
    await queue.add('predict-csv', { n: 3 }, { delay: 60_000 });
    const [depth] = await queueDepths([queue], () => (first.timestamp ?? 0) + 30_000);
    expect(depth?.counts).toEqual({ waiting: 2, prioritized: 0, active: 0, delayed: 1, failed: 0 });
    expect(depth?.oldestWaitingAgeSeconds).toBe(30);
  });

  it('counts fair-shared (prioritized) jobs, which are not in the wait list, and dates them too', async () => {
    await queue.obliterate({ force: true });
    const first = await queue.add('predict-csv', { n: 1 }, { priority: 3 });
    await queue.add('predict-csv', { n: 2 }, { priority: 1, timestamp: (first.timestamp ?? 0) + 10_000 });
    const [depth] = await queueDepths([queue], () => (first.timestamp ?? 0) + 30_000);
    expect(depth?.counts).toEqual({ waiting: 0, prioritized: 2, active: 0, delayed: 0, failed: 0 });
    // The head of the prioritized set (priority 1) waited 20 s: no older job is at the head of a list.
    expect(depth?.oldestWaitingAgeSeconds).toBe(20);
  });
});
