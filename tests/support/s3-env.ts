import type { TestS3 } from '@shelfwise/test-kit';

/** The settings that point a gateway or worker process at a test's S3 server and buckets. */
export const s3Env = (s3: TestS3): Record<string, string> => ({
  S3_ENDPOINT: s3.settings.endpoint,
  S3_BUCKET_DATASET: s3.buckets.dataset,
  S3_BUCKET_INFERENCE: s3.buckets.inference,
  S3_BUCKET_MODELS: s3.buckets.models,
});
