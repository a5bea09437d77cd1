import { ApiError, type FieldProblem } from './api-error';

/** 400: the request itself is wrong (shape, values, an S3 URI outside the allowed buckets). */
export class RequestError extends ApiError {
  readonly status = 400;

  constructor(message: string, details?: FieldProblem[]) {
    super('INVALID_REQUEST', message, details);
    this.name = 'RequestError';
  }
}
