import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestS3, incompleteUploads, type TestS3 } from '@shelfwise/test-kit';
import S3rver from 's3rver';
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

  /** Two parts of S3's minimum part size and a small last one, with their ETags. */
  const bigParts = async (on: TestS3, folder: string) => {
    const big = (fill: string) => Buffer.alloc(5 * 1024 * 1024 + 17, fill);
    const parts = [big('x'), big('y'), Buffer.from('tail\n')];
    const sources = [];
    for (const [at, part] of parts.entries()) {
      const uri = `s3://${on.buckets.inference}/${folder}/${at}.part`;
      await on.store.upload(uri, part);
      sources.push({ uri, etag: (await on.store.head(uri))?.etag });
    }
    return { parts, sources };
  };

  it('concatenates parts of S3 part size inside S3 (UploadPartCopy), byte for byte, leaving no upload behind', async () => {
    const { parts, sources } = await bigParts(s3, 'big');
    expect(await s3.store.concatenate(`${base}/big/joined.bin`, sources)).toBe('copied');
    const joined = await s3.store.downloadBytes(`${base}/big/joined.bin`);
    expect(joined.equals(Buffer.concat(parts))).toBe(true);
    expect(await incompleteUploads(s3.settings, s3.buckets.inference, 'big/')).toEqual([]);
  });

  it('refuses to copy a part replaced after its ETag was taken, naming it, and writes no target', async () => {
    const { sources } = await bigParts(s3, 'big-changed');
    const replaced = sources[1] as { uri: string };
    await s3.store.upload(replaced.uri, Buffer.alloc(5 * 1024 * 1024 + 17, 'z'));
    const refused = s3.store.concatenate(`${base}/big-changed/joined.bin`, sources);
    await expect(refused).rejects.toThrow(ObjectChangedError);
    await expect(refused).rejects.toThrow(replaced.uri);
    expect(await s3.store.exists(`${base}/big-changed/joined.bin`)).toBe(false);
    expect(await incompleteUploads(s3.settings, s3.buckets.inference, 'big-changed/')).toEqual([]);
  });

  it('streams instead on a server without UploadPartCopy (bare s3rver answers NotImplemented)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bare-s3rver-'));
    const bare = new S3rver({
      address: '127.0.0.1',
      port: 0,
      directory: dir,
      silent: true,
      vhostBuckets: false,
    });
    const { port } = (await bare.run()) as AddressInfo;
    try {
      const other = await createTestS3(`http://127.0.0.1:${port}`);
      const { parts, sources } = await bigParts(other, 'bare');
      const target = `s3://${other.buckets.inference}/bare/joined.bin`;
      expect(await other.store.concatenate(target, sources)).toBe('streamed');
      expect((await other.store.downloadBytes(target)).equals(Buffer.concat(parts))).toBe(true);
    } finally {
      await bare.close();
      await rm(dir, { recursive: true, force: true });
    }
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
