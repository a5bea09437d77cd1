import { Readable } from 'node:stream';
import { createTestS3, type TestS3 } from '@shelfwise/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ObjectNotFoundError } from './object-not-found-error';
import { S3UriError } from './s3-uri-error';

describe('ObjectStore against a real S3-protocol server', () => {
  let s3: TestS3;
  let base: string;

  beforeAll(async () => {
    s3 = await createTestS3();
    base = `s3://${s3.buckets.dataset}`;
  });

  it('uploads a multi-part stream and downloads the exact bytes back', async () => {
    // 20 MB in 1 MB chunks: three 8 MB parts, so the multipart path (and its framing) is exercised.
    const chunk = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31) % 251;
    const chunks = Array.from({ length: 20 }, (_, n) => Buffer.from(chunk.map((b) => (b + n) % 256)));
    await s3.store.upload(`${base}/big/blob.bin`, Readable.from(chunks));
    const back = await s3.store.downloadBytes(`${base}/big/blob.bin`);
    expect(back.length).toBe(20 * 1024 * 1024);
    expect(back.equals(Buffer.concat(chunks))).toBe(true);
  });

  it('lists objects under a prefix and tells whether one exists', async () => {
    await s3.store.upload(`${base}/feedback/a.csv`, 'x');
    await s3.store.upload(`${base}/feedback/b.csv`, 'y');
    await s3.store.upload(`${base}/other/c.csv`, 'z');
    const listed = await s3.store.list(`${base}/feedback/`);
    expect(listed.map((o) => o.uri)).toEqual([`${base}/feedback/a.csv`, `${base}/feedback/b.csv`]);
    expect(await s3.store.exists(`${base}/feedback/a.csv`)).toBe(true);
    expect(await s3.store.exists(`${base}/feedback/nope.csv`)).toBe(false);
  });

  it('answers a missing object with a typed error naming the URI', async () => {
    await expect(s3.store.download(`${base}/missing.csv`)).rejects.toThrow(ObjectNotFoundError);
    await expect(s3.store.download(`${base}/missing.csv`)).rejects.toThrow(`${base}/missing.csv`);
  });

  it('refuses a bucket outside its allow-list before any request', async () => {
    await expect(s3.store.download('s3://elsewhere/x.csv')).rejects.toThrow(S3UriError);
  });

  it('creates its buckets idempotently and answers ping', async () => {
    await s3.store.ensureBuckets();
    await expect(s3.store.ping()).resolves.toBeUndefined();
  });
});
