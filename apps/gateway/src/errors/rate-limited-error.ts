import { ApiError } from './api-error';

/** 429: the key sent more requests this minute than allowed; `Retry-After` says when the window ends. */
export class RateLimitedError extends ApiError {
  readonly status = 429;

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('RATE_LIMITED', message);
    this.name = 'RateLimitedError';
  }
}
