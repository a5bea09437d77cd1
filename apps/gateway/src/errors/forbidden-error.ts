import { ApiError, type FieldProblem } from './api-error';

/** 403: the key is valid but its role may not do this (a client promoting a model, reading another's input). */
export class ForbiddenError extends ApiError {
  readonly status = 403;

  constructor(message: string, details?: FieldProblem[]) {
    super('FORBIDDEN', message, details);
    this.name = 'ForbiddenError';
  }
}
