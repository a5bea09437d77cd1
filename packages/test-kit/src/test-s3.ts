import { randomBytes } from 'node:crypto';
import { createObjectStore, type ObjectStore, type S3Settings } from '@shelfwise/storage';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    s3Endpoint: string;
  }
}

export interface TestS3 {
  settings: S3Settings;
  buckets: { dataset: string; inference: string; models: string };
  store: ObjectStore;
}

/**
 * Buckets of its own on the run's embedded S3 server (or the server at `endpoint`), so test files never see
 * each other's objects.
 */
export async function createTestS3(endpoint: string = inject('s3Endpoint')): Promise<TestS3> {
  const suffix = randomBytes(4).toString('hex');
  const buckets = {
    dataset: `dataset-${suffix}`,
    inference: `inference-${suffix}`,
    models: `models-${suffix}`,
  };
  const settings: S3Settings = {
    endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  };
  const store = createObjectStore(settings, Object.values(buckets));
  await store.ensureBuckets();
  return { settings, buckets, store };
}
