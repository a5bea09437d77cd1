import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedS3 } from '@shelfwise/embedded-s3';
import { describe, expect, it } from 'vitest';
import { createObjectStore } from './create-object-store';
import { isStorageUnreachable } from './is-storage-unreachable';
import { ObjectNotFoundError } from './object-not-found-error';

const storeAt = (endpoint: string) =>
  createObjectStore({ endpoint, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }, [
    'dataset',
  ]);

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('isStorageUnreachable', () => {
  it('is true when nothing answers at the endpoint', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sw-s3-down-'));
    const s3 = await startEmbeddedS3({ port: 0, dataDir });
    await s3.close();
    await rm(dataDir, { recursive: true, force: true });
    const error = await failure(storeAt(s3.endpoint).size('s3://dataset/a.csv'));
    expect(isStorageUnreachable(error)).toBe(true);
  });

  it('is false for what S3 answered (a missing bucket or object) and for errors of other origins', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sw-s3-up-'));
    const s3 = await startEmbeddedS3({ port: 0, dataDir });
    try {
      const answered = await failure(storeAt(s3.endpoint).download('s3://dataset/a.csv'));
      expect(answered).toBeDefined();
      expect(isStorageUnreachable(answered)).toBe(false);
      expect(isStorageUnreachable(new ObjectNotFoundError('s3://dataset/a.csv'))).toBe(false);
      expect(isStorageUnreachable(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    } finally {
      await s3.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
