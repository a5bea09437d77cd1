import { ApiError } from './api-error';

/** 409: the request clashes with the current state (a terminal job, a reused idempotency key). */
export class ConflictError extends ApiError {
  readonly status = 409;

  constructor(message: string, details?: unknown) {
    super('CONFLICT', message, details);
    this.name = 'ConflictError';
  }
}
