import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

type Body = RequestInit['body'];
const CSV = 'product_description,Category\nwhole milk 1l,Fresh & Perishable Items\n';

describe('POST /v1/uploads', () => {
  let services: TestServices;
  let gateway: TestGateway;
  const maxUploadBytes = 64 * 1024;

  const upload = async (query: string, body: Body, contentType = 'text/csv') => {
    const response = await fetch(`${gateway.url}/v1/uploads${query}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...bearer() },
      body,
      duplex: 'half',
    } as RequestInit);
    // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers of many shapes.
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    services = await createTestServices('uploads');
    gateway = await startGateway(services, { maxUploadBytes });
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('streams the CSV into the dataset bucket and answers its URI', async () => {
    const answer = await upload('?name=products.csv', CSV);
    expect(answer.status).toBe(201);
    const prefix = `s3://${services.s3.buckets.dataset}/uploads/`;
    expect(answer.body).toEqual({
      uri: expect.stringMatching(new RegExp(`^${prefix}[0-9a-f-]{36}-products\\.csv$`)),
      size: CSV.length,
    });
    expect((await services.s3.store.downloadBytes(answer.body.uri)).toString('utf8')).toBe(CSV);
  });

  it('stores a key path with folders at that very path (an admin key: anywhere in the bucket)', async () => {
    const answer = await upload('?name=train/Training_Data.csv', CSV);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body.uri).toBe(`s3://${services.s3.buckets.dataset}/train/Training_Data.csv`);
  });

  it('keeps what is at a key path when an empty body (chunked, no Content-Length) is sent there', async () => {
    const first = await upload('?name=keep/this.csv', CSV);
    expect(first.status).toBe(201);
    const empty = await upload('?name=keep/this.csv', ReadableStream.from([]) as unknown as Body);
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/body is empty/);
    expect((await services.s3.store.downloadBytes(first.body.uri)).toString('utf8')).toBe(CSV);
  });

  it('takes a body without Content-Length (chunked) too', async () => {
    const chunks = ReadableStream.from([Buffer.from('product_description\n'), Buffer.from('green tea\n')]);
    const answer = await upload('?name=chunked.csv', chunks as unknown as Body);
    expect(answer.status).toBe(201);
    expect((await services.s3.store.downloadBytes(answer.body.uri)).toString('utf8')).toBe(
      'product_description\ngreen tea\n',
    );
  });

  it.each([
    ['', 'name'],
    ['?name=../etc/passwd.csv', 'name'],
    ['?name=products.txt', 'name'],
    ['?name=.hidden.csv', 'name'],
    ['?name=train/../x.csv', 'name'],
    ['?name=train//x.csv', 'name'],
    ['?name=/train/x.csv', 'name'],
    ['?name=train/.x.csv', 'name'],
    ['?name=a.csv&extra=1', 'extra'],
  ])('refuses the query %s naming %s', async (query, field) => {
    const answer = await upload(query, CSV);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('INVALID_REQUEST');
    expect(answer.body.error.details).toContainEqual({ path: field, message: expect.any(String) });
  });

  it('refuses another Content-Type and an empty body with 400', async () => {
    const json = await upload('?name=a.csv', '{"a":1}', 'application/json');
    expect(json.status).toBe(400);
    expect(json.body.error.details).toContainEqual({ path: 'Content-Type', message: 'must be text/csv' });
    const empty = await upload('?name=a.csv', '');
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('INVALID_REQUEST');
  });

  it('answers 413 for a declared or streamed body over the limit, and stores nothing', async () => {
    const big = 'x'.repeat(maxUploadBytes + 1);
    const declared = await upload('?name=big.csv', big);
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const streamed = await upload(
      '?name=big.csv',
      ReadableStream.from([
        Buffer.from(big.slice(0, 40_000)),
        Buffer.from(big.slice(40_000)),
      ]) as unknown as Body,
    );
    expect(streamed.status).toBe(413);
    const stored = await services.s3.store.list(`s3://${services.s3.buckets.dataset}/uploads/`);
    expect(stored.filter((object) => object.key.endsWith('-big.csv'))).toEqual([]);
  });
});
