import { clipText } from '@shelfwise/csv';

/** A string that is not `s3://bucket/key`, or names a bucket outside the allow-list. */
export class S3UriError extends Error {
  constructor(
    readonly uri: string,
    reason: string,
  ) {
    // JSON.stringify shows control characters escaped; the clip keeps a 1 MB URI out of logs and job rows.
    super(`invalid S3 URI ${clipText(JSON.stringify(uri), 300)}: ${reason}`);
    this.name = 'S3UriError';
  }
}
