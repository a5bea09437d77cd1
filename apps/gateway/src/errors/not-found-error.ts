import { ApiError, type FieldProblem } from './api-error';

/** 404: the job, model version, route, or the S3 object a request names does not exist. */
export class NotFoundError extends ApiError {
  readonly status = 404;

  constructor(message: string, details?: FieldProblem[]) {
    super('NOT_FOUND', message, details);
    this.name = 'NotFoundError';
  }
}
