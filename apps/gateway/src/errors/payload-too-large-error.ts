import { ApiError } from './api-error';

/** 413: the body is over the size the gateway accepts. */
export class PayloadTooLargeError extends ApiError {
  readonly status = 413;

  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message);
    this.name = 'PayloadTooLargeError';
  }
}
