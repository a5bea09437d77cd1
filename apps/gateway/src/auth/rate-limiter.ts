import type { Logger } from '@shelfwise/logger';
import { RateLimitedError } from '../errors/rate-limited-error';
import { type Caller, scopeOf } from './caller';
import type { MinuteCounter, WindowCount } from './minute-counter';

export interface RateLimitOptions {
  counter: MinuteCounter;
  /** Key prefix, the queue prefix: tests and deployments sharing a Redis do not share counters. */
  prefix: string;
  perMinute: number;
}

/**
 * A fixed one-minute window per API key, counted in Redis so every gateway replica shares it. When Redis
 * does not answer the request goes through: the limit protects the service, it must not take it down.
 */
export class RateLimiter {
  constructor(
    private readonly options: RateLimitOptions,
    private readonly logger: Logger,
  ) {}

  /** Counts the caller's request; throws RateLimitedError when it is over its limit. */
  async admit(caller: Caller): Promise<void> {
    const { counter, prefix, perMinute } = this.options;
    let counted: WindowCount;
    try {
      counted = await counter.count(`${prefix}:ratelimit:${scopeOf(caller)}`);
    } catch (error) {
      this.logger.debug({ err: error }, 'rate limit not counted');
      return;
    }
    if (counted.count > perMinute) {
      throw new RateLimitedError(
        `over ${perMinute} requests per minute for this API key`,
        counted.retryAfterSeconds,
      );
    }
  }
}
