/** A string that is not `s3://bucket/key`, or names a bucket outside the allow-list. */
export class S3UriError extends Error {
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    super(`invalid S3 URI "${uri}": ${reason}`);
    this.name = 'S3UriError';
  }
}
