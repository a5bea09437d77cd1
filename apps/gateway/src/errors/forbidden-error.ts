import { ApiError } from './api-error';

/** 403: the key is valid but its role may not do this (a client promoting a model, reading another's job). */
export class ForbiddenError extends ApiError {
  readonly status = 403;

  constructor(message: string) {
    super('FORBIDDEN', message);
    this.name = 'ForbiddenError';
  }
}
