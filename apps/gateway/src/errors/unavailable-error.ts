import { ApiError } from './api-error';

export type UnavailableCode = 'UNAVAILABLE' | 'TIMEOUT' | 'NO_MODEL' | 'ENQUEUE_FAILED';

/** 503: a dependency (MySQL, Redis, S3, a worker, a model) cannot serve now; the client may retry. */
export class UnavailableError extends ApiError {
  readonly status = 503;
  /** Sent as `Retry-After` (seconds) when a retry soon is likely to work. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: UnavailableCode,
    message: string,
    options: { retryAfterSeconds?: number; details?: unknown } = {},
  ) {
    super(code, message, options.details);
    this.name = 'UnavailableError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
