import type { RedisConnection } from '@shelfwise/infrastructure';
import { withDeadline } from '@shelfwise/queue';

export interface WindowCount {
  /** Requests counted in this window, this one included. */
  count: number;
  /** Seconds until the window ends: the `Retry-After` of a refusal. */
  retryAfterSeconds: number;
}

/**
 * Counts one more request under `name` in the current one-minute window, in Redis so every gateway replica
 * shares the count. Rejects when Redis does not answer within a second: callers let the request through.
 */
export async function countInMinute(redis: RedisConnection, name: string): Promise<WindowCount> {
  const window = Math.floor(Date.now() / 60_000);
  const key = `${name}:${window}`;
  // One key, so one Cluster slot: MULTI works on a Redis Cluster as on one server.
  const counting = redis.multi().incr(key).expire(key, 120).exec();
  const replies = await withDeadline(counting, 1_000, () => new Error('rate limit count timed out'));
  const retryAfterSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - Date.now()) / 1_000));
  return { count: Number(replies?.[0]?.[1] ?? 0), retryAfterSeconds };
}
