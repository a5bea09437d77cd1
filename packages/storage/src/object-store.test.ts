import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { createTestS3, type TestS3 } from '@shelfwise/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { createS3Client } from './create-s3-client';
import { ObjectChangedError } from './object-changed-error';
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

  describe('pinned reads', () => {
    it('reads the version it was given and refuses a replaced or removed object, naming both ETags', async () => {
      const uri = `${base}/pinned/in.csv`;
      await s3.store.upload(uri, 'product_description\ngreen tea\n');
      const head = await s3.store.head(uri);
      expect(head?.etag).toMatch(/^"?[0-9a-f]{32}"?$/);
      expect((await s3.store.list(`${base}/pinned/`))[0]?.etag).toBe(head?.etag);
      const etag = head?.etag ?? '';
      expect((await s3.store.downloadBytes(uri, { etag })).toString()).toContain('green tea');

      await s3.store.upload(uri, 'product_description\noolong tea\n');
      const changed = await s3.store.download(uri, { etag }).catch((error: unknown) => error);
      expect(changed).toBeInstanceOf(ObjectChangedError);
      expect(String(changed)).toContain(`${uri} changed after the job was submitted (ETag ${etag} then,`);

      await s3.store.delete(uri);
      await expect(s3.store.download(uri, { etag })).rejects.toThrow(/no object now/);
    });
  });

  describe('aborts', () => {
    const multipartUploads = async (prefix: string) => {
      const client = createS3Client(s3.settings);
      const { Uploads } = await client.send(
        new ListMultipartUploadsCommand({ Bucket: s3.buckets.dataset, Prefix: prefix }),
      );
      return Uploads ?? [];
    };
    // 6 MB: more than one 5 MB part, so a multipart upload with parts in S3 exists when it fails.
    const sixMegabytes = () => Buffer.alloc(6 * 1024 * 1024, 'a');

    it('destroys a download when its signal is aborted', async () => {
      const uri = `${base}/abort/big.bin`;
      await s3.store.upload(uri, sixMegabytes());
      const controller = new AbortController();
      const body = await s3.store.download(uri, { signal: controller.signal });
      controller.abort(new Error('job cancelled'));
      const [error] = await once(body, 'error');
      expect((error as Error).name).toBe('AbortError');
      expect(body.destroyed).toBe(true);
    });

    it('aborts the multipart upload when the body fails after parts were sent: no parts stay behind', async () => {
      const body = new PassThrough();
      const done = s3.store.upload(`${base}/abort/failed-body.csv`, body);
      body.write(sixMegabytes());
      await waitFor(async () => (await multipartUploads('abort/failed-body')).length === 1);
      body.destroy(new Error('row 900000: empty product_description'));
      await expect(done).rejects.toThrow('row 900000');
      await waitFor(async () => (await multipartUploads('abort/failed-body')).length === 0);
      expect(await s3.store.exists(`${base}/abort/failed-body.csv`)).toBe(false);
    });

    it('aborts the multipart upload when its signal is aborted', async () => {
      const body = new PassThrough();
      const controller = new AbortController();
      const done = s3.store.upload(`${base}/abort/signalled.csv`, body, 'text/csv', {
        signal: controller.signal,
      });
      body.write(sixMegabytes());
      await waitFor(async () => (await multipartUploads('abort/signalled')).length === 1);
      controller.abort(new Error('watchdog: no progress'));
      await expect(done).rejects.toThrow();
      // lib-storage sends the abort once the part in flight is done: wait for it, with a deadline.
      body.end();
      await waitFor(async () => (await multipartUploads('abort/signalled')).length === 0);
      expect(await s3.store.exists(`${base}/abort/signalled.csv`)).toBe(false);
    });
  });
});

/** Polls `check` until it holds (deadline 10 s). */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
