import type { RedisConnection } from '@shelfwise/infrastructure';
import type { Logger } from '@shelfwise/logger';
import type { RequestHandler } from 'express';
import { RateLimitedError } from '../errors/rate-limited-error';
import { callerOf, scopeOf } from './caller';
import { countInMinute, type WindowCount } from './fixed-window';

export interface RateLimitOptions {
  redis: RedisConnection;
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
    let counted: WindowCount;
    try {
      counted = await countInMinute(redis, `${prefix}:ratelimit:${scopeOf(callerOf(res))}`);
    } catch (error) {
      logger.debug({ err: error }, 'rate limit not counted');
      next();
      return;
    }
    if (counted.count > perMinute) {
      throw new RateLimitedError(
        `over ${perMinute} requests per minute for this API key`,
        counted.retryAfterSeconds,
      );
    }
    next();
  };
}
