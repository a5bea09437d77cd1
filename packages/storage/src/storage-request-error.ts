/**
 * A request this package sent to S3 itself (not through the SDK) failed: `status` is the HTTP status S3
 * answered with, undefined when nothing answered (then `code` is the socket error's: ECONNREFUSED, ...).
 */
export class StorageRequestError extends Error {
  override readonly name = 'StorageRequestError';
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(
    message: string,
    failure: { status?: number | undefined; code?: string | undefined },
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = failure.status;
    this.code = failure.code;
  }
}
