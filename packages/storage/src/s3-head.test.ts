import { once } from 'node:events';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestS3, type TestS3 } from '@shelfwise/test-kit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isStorageUnreachable } from './is-storage-unreachable';
import { S3Head } from './s3-head';
import { StorageRequestError } from './storage-request-error';

const credentials = { region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('S3Head against a real S3-protocol server', () => {
  let s3: TestS3;
  let heads: S3Head;

  beforeAll(async () => {
    s3 = await createTestS3();
    heads = new S3Head(s3.settings);
  });

  it.each(['plain.csv', 'a dir/product list (final) crème ☕.csv', "odd/a+b=c&d!e*f'g~h"])(
    'answers the size and ETag of %j as the SDK lists it',
    async (key) => {
      const uri = `s3://${s3.buckets.dataset}/${key}`;
      await s3.store.upload(uri, 'product_description\ngreen tea\n');
      const [listed] = await s3.store.list(uri);
      expect(await heads.head(s3.buckets.dataset, key)).toEqual({ size: 30, etag: listed?.etag });
    },
  );

  it('answers undefined for a missing object and a missing bucket', async () => {
    expect(await heads.head(s3.buckets.dataset, 'no/such.csv')).toBeUndefined();
    expect(await heads.head('no-such-bucket-here', 'a.csv')).toBeUndefined();
  });
});

describe('S3Head at the faults of a connection', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A server answering the n-th request (from 1) with `answer`. */
  async function serve(answer: (n: number, response: ServerResponse) => void): Promise<string> {
    let n = 0;
    const server = createServer((_, response) => answer(++n, response));
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  const found = (response: ServerResponse) => {
    response.writeHead(200, { etag: '"abc"', 'content-length': '12' }).end();
  };

  it('tries again when S3 answers 503, and when a kept-alive connection is reset under a request', async () => {
    const endpoint = await serve((n, response) => {
      if (n === 1) response.writeHead(503).end();
      else if (n === 3) response.socket?.destroy();
      else found(response);
    });
    const heads = new S3Head({ endpoint, ...credentials });
    expect(await heads.head('dataset', 'a.csv')).toEqual({ size: 12, etag: '"abc"' });
    // The second HEAD goes over the kept connection, which the server resets: the retry opens another.
    expect(await heads.head('dataset', 'a.csv')).toEqual({ size: 12, etag: '"abc"' });
  });

  it('gives up after three attempts, naming the status; a 403 is not tried again', async () => {
    const statuses: number[] = [];
    const endpoint = await serve((n, response) => {
      const status = n <= 3 ? 500 : 403;
      statuses.push(status);
      response.writeHead(status).end();
    });
    const heads = new S3Head({ endpoint, ...credentials });
    const error = await failure(heads.head('dataset', 'a.csv'));
    expect(error).toBeInstanceOf(StorageRequestError);
    expect(error).toMatchObject({ status: 500, message: 'HEAD s3://dataset/a.csv: S3 answered 500' });
    expect(isStorageUnreachable(error)).toBe(false);
    expect(await failure(heads.head('dataset', 'a.csv'))).toMatchObject({ status: 403 });
    expect(statuses).toEqual([500, 500, 500, 403]);
  });

  it('fails as unreachable, without trying again, when S3 accepts the connection and never answers', async () => {
    let requests = 0;
    const endpoint = await serve(() => {
      requests++;
    });
    const heads = new S3Head({ endpoint, ...credentials }, { timeoutMs: 200 });
    const error = await failure(heads.head('dataset', 'a.csv'));
    expect(error).toMatchObject({ code: 'ETIMEDOUT', status: undefined });
    expect(isStorageUnreachable(error)).toBe(true);
    expect(requests).toBe(1);
  });

  it('fails as unreachable when nothing listens', async () => {
    const endpoint = await serve((_, response) => found(response));
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const error = await failure(new S3Head({ endpoint, ...credentials }).head('dataset', 'a.csv'));
    expect(error).toMatchObject({ code: 'ECONNREFUSED', status: undefined });
    expect(isStorageUnreachable(error)).toBe(true);
  });
});
