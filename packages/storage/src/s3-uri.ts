import { S3UriError } from './s3-uri-error';

export interface S3Location {
  bucket: string;
  /** Object key, or a prefix; '' for the bucket itself. */
  key: string;
}

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Parses `s3://bucket/key`; anything else (other schemes, bad bucket names, `..` segments) is refused. */
export function parseS3Uri(uri: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new S3UriError(uri, 'expected s3://bucket/key');
  const [, bucket = '', key = ''] = match;
  if (!BUCKET.test(bucket)) throw new S3UriError(uri, `"${bucket}" is not a valid bucket name`);
  if (key.split('/').some((segment) => segment === '..' || segment === '.')) {
    throw new S3UriError(uri, 'the key must not contain "." or ".." segments');
  }
  if (key.length > 1024) throw new S3UriError(uri, 'the key is longer than 1024 characters');
  // Control characters (NUL, newlines) are never part of a key we write; S3 clients choke on them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
  if (/[\u0000-\u001f\u007f]/.test(key))
    throw new S3UriError(uri, 'the key must not contain control characters');
  return { bucket, key };
}

export const formatS3Uri = ({ bucket, key }: S3Location): string => `s3://${bucket}/${key}`;

/** Parses and checks the bucket against the configured ones: nobody reads arbitrary buckets through us. */
export function parseAllowedS3Uri(uri: string, allowedBuckets: readonly string[]): S3Location {
  const location = parseS3Uri(uri);
  if (!allowedBuckets.includes(location.bucket)) {
    throw new S3UriError(uri, `bucket "${location.bucket}" is not one of ${allowedBuckets.join(', ')}`);
  }
  return location;
}
