import type { RequestHandler } from 'express';
import { callerOf } from './caller';
import type { RateLimiter } from './rate-limiter';

/** Express's end of the RateLimiter: behind authenticate(), it counts the caller's request or answers 429. */
export function rateLimit(limiter: RateLimiter): RequestHandler {
  return async (_req, res, next) => {
    await limiter.admit(callerOf(res));
    next();
  };
}
