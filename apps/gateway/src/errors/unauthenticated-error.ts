import { ApiError } from './api-error';

/** 401: no API key, or one that is unknown or revoked. Answered with `WWW-Authenticate: Bearer`. */
export class UnauthenticatedError extends ApiError {
  readonly status = 401;

  constructor(message = 'an API key is required: send Authorization: Bearer <key>') {
    super('UNAUTHENTICATED', message);
    this.name = 'UnauthenticatedError';
  }
}
