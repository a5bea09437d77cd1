import type { RedisConnection } from '@shelfwise/infrastructure';
import { withDeadline } from '@shelfwise/queue';

export interface WindowCount {
  /** Requests counted in this window, this one included. */
  count: number;
  /** Seconds until the window ends: the `Retry-After` of a refusal. */
  retryAfterSeconds: number;
}

interface Waiter {
  counted(count: WindowCount): void;
  failed(error: unknown): void;
}

/**
 * Fixed one-minute windows counted in Redis, so every gateway replica shares them. Counts of one name asked
 * for in the same turn of the event loop go to Redis as one INCRBY (a busy key sends many requests at once),
 * and each caller gets its own position in the window, exactly as one INCR each would have given. Rejects
 * when Redis does not answer within a second: callers let the request through.
 */
export class MinuteCounter {
  private readonly pending = new Map<string, Waiter[]>();

  constructor(private readonly redis: RedisConnection) {}

  count(name: string): Promise<WindowCount> {
    const window = Math.floor(Date.now() / 60_000);
    const key = `${name}:${window}`;
    const batch = this.pending.get(key) ?? this.open(key, window);
    return new Promise((counted, failed) => batch.push({ counted, failed }));
  }

  /** A batch for `key`, sent at the end of this turn of the event loop. */
  private open(key: string, window: number): Waiter[] {
    const batch: Waiter[] = [];
    this.pending.set(key, batch);
    setImmediate(() => void this.flush(key, window, batch));
    return batch;
  }

  private async flush(key: string, window: number, waiters: Waiter[]): Promise<void> {
    this.pending.delete(key);
    try {
      // One key, so one Cluster slot: MULTI works on a Redis Cluster as on one server.
      const counting = this.redis.multi().incrby(key, waiters.length).expire(key, 120).exec();
      const replies = await withDeadline(counting, 1_000, () => new Error('rate limit count timed out'));
      const [error, total] = replies?.[0] ?? [new Error('the rate limit count had no reply')];
      if (error) throw error;
      const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - Date.now()) / 1_000));
      const first = Number(total) - waiters.length;
      for (const [i, waiter] of waiters.entries())
        waiter.counted({ count: first + i + 1, retryAfterSeconds });
    } catch (error) {
      for (const waiter of waiters) waiter.failed(error);
    }
  }
}
