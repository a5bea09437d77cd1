import { createTestS3, incompleteUploads, type TestS3 } from '@shelfwise/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ObjectChangedError } from './object-changed-error';

describe('ObjectStore ranged reads and concatenation against a real S3-protocol server', () => {
  let s3: TestS3;
  let base: string;

  beforeAll(async () => {
    s3 = await createTestS3();
    base = `s3://${s3.buckets.inference}`;
  });

  it('reads exactly the bytes of a range, and nothing for an empty one', async () => {
    const uri = `${base}/range/in.csv`;
    await s3.store.upload(uri, 'header\nfirst\nsecond\n');
    const etag = (await s3.store.head(uri))?.etag;
    expect((await s3.store.downloadBytes(uri, { range: { start: 7, end: 13 }, etag })).toString()).toBe(
      'first\n',
    );
    expect((await s3.store.downloadBytes(uri, { range: { start: 13, end: 20 } })).toString()).toBe(
      'second\n',
    );
    expect((await s3.store.downloadBytes(uri, { range: { start: 5, end: 5 } })).length).toBe(0);
  });

  it('concatenates a head and small parts in order, byte for byte', async () => {
    const parts = ['a,1\n', 'b,2\nc,3\n', 'd,"four\nlines"\n'];
    for (const [at, part] of parts.entries()) await s3.store.upload(`${base}/small/${at}.part`, part);
    const how = await s3.store.concatenate(
      `${base}/small/joined.csv`,
      parts.map((_, at) => ({ uri: `${base}/small/${at}.part` })),
      { head: 'name,n\n', contentType: 'text/csv' },
    );
    expect(how).toBe('streamed');
    expect((await s3.store.downloadBytes(`${base}/small/joined.csv`)).toString()).toBe(
      `name,n\n${parts.join('')}`,
    );
  });

  it('concatenates parts of S3 part size; the embedded S3 lacks UploadPartCopy, so it streams, leaving no upload behind', async () => {
    const big = (fill: string) => Buffer.alloc(5 * 1024 * 1024 + 17, fill);
    const parts = [big('x'), big('y'), Buffer.from('tail\n')];
    for (const [at, part] of parts.entries()) await s3.store.upload(`${base}/big/${at}.part`, part);
    const sources = await Promise.all(
      parts.map(async (_, at) => {
        const uri = `${base}/big/${at}.part`;
        return { uri, etag: (await s3.store.head(uri))?.etag };
      }),
    );
    expect(await s3.store.concatenate(`${base}/big/joined.bin`, sources)).toBe('streamed');
    const joined = await s3.store.downloadBytes(`${base}/big/joined.bin`);
    expect(joined.equals(Buffer.concat(parts))).toBe(true);
    expect(await incompleteUploads(s3.settings, s3.buckets.inference, 'big/')).toEqual([]);
  });

  it('refuses a part replaced after its ETag was taken, and writes no target', async () => {
    const uri = `${base}/changed/0.part`;
    await s3.store.upload(uri, 'old\n');
    const etag = (await s3.store.head(uri))?.etag;
    await s3.store.upload(uri, 'new\n');
    await expect(
      s3.store.concatenate(`${base}/changed/joined.csv`, [{ uri, etag }], { head: 'h\n' }),
    ).rejects.toThrow(ObjectChangedError);
    expect(await s3.store.exists(`${base}/changed/joined.csv`)).toBe(false);
  });
});
