import type { Logger } from '@shelfwise/logger';
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { RateLimitedError } from '../errors/rate-limited-error';
import { withDeadline } from '../with-deadline';
import { callerOf, scopeOf } from './caller';

export interface RateLimitOptions {
  redis: Redis;
  /** Key prefix, the queue prefix: tests and deployments sharing a Redis do not share counters. */
  prefix: string;
  perMinute: number;
}

/**
 * A fixed one-minute window per API key, counted in Redis so every gateway replica shares it. When Redis
 * does not answer the request goes through: the limit protects the service, it must not take it down.
 */
export function rateLimit({ redis, prefix, perMinute }: RateLimitOptions, logger: Logger): RequestHandler {
  return async (_req, res, next) => {
    const caller = callerOf(res);
    const window = Math.floor(Date.now() / 60_000);
    const key = `${prefix}:ratelimit:${scopeOf(caller)}:${window}`;
    let count: number;
    try {
      const counting = redis.multi().incr(key).expire(key, 120).exec();
      const replies = await withDeadline(counting, 1_000, () => new Error('rate limit count timed out'));
      count = Number(replies?.[0]?.[1] ?? 0);
    } catch (error) {
      logger.debug({ err: error }, 'rate limit not counted');
      next();
      return;
    }
    if (count > perMinute) {
      const retryAfter = Math.max(1, Math.ceil(((window + 1) * 60_000 - Date.now()) / 1_000));
      throw new RateLimitedError(`over ${perMinute} requests per minute for this API key`, retryAfter);
    }
    next();
  };
}
