import { createS3Client, type S3Settings } from './create-s3-client';
import { ObjectStore } from './object-store';
import { S3Head } from './s3-head';

/** An ObjectStore on the S3 at `settings`, for these buckets only. */
export const createObjectStore = (settings: S3Settings, allowedBuckets: readonly string[]): ObjectStore =>
  new ObjectStore(createS3Client(settings), new S3Head(settings), allowedBuckets);
