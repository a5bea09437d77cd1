import { freePort, uniquePrefix } from '@shelfwise/test-kit';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { MinuteCounter } from './minute-counter';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('MinuteCounter', () => {
  const redis = new Redis(REDIS_URL);
  const prefix = uniquePrefix('minute-counter');
  const counter = new MinuteCounter(redis);

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it('gives counts asked for together one position each, in one Redis command, as one INCR each would', async () => {
    const name = `${prefix}:together`;
    const commands: string[] = [];
    const monitor = await redis.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some((arg) => arg.startsWith(name))) commands.push(String(args[0]).toLowerCase());
    });
    try {
      const counts = await Promise.all(Array.from({ length: 10 }, () => counter.count(name)));
      expect(counts.map((c) => c.count)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (const { retryAfterSeconds } of counts) {
        expect(retryAfterSeconds).toBeGreaterThanOrEqual(1);
        expect(retryAfterSeconds).toBeLessThanOrEqual(60);
      }
      // Later counts go on from there; another name has a window of its own.
      expect((await counter.count(name)).count).toBe(11);
      expect((await counter.count(`${prefix}:other`)).count).toBe(1);
      const window = Math.floor(Date.now() / 60_000);
      // The key expires (a minute boundary mid-test only moves the count to the next window's key).
      const ttl = Math.max(await redis.ttl(`${name}:${window}`), await redis.ttl(`${name}:${window - 1}`));
      expect(ttl).toBeGreaterThan(60);
      await expect.poll(() => commands.filter((c) => c === 'incrby').length).toBe(2);
    } finally {
      monitor.disconnect();
    }
  });

  it('fails every count of a batch when Redis does not answer', async () => {
    const down = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    down.on('error', () => {});
    try {
      const failing = new MinuteCounter(down);
      const counts = await Promise.allSettled([1, 2, 3].map(() => failing.count('x')));
      expect(counts.map((c) => c.status)).toEqual(['rejected', 'rejected', 'rejected']);
    } finally {
      down.disconnect();
    }
  });
});
