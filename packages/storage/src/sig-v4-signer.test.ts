import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Client } from './create-s3-client';
import { encodeKey, SigV4Signer } from './sig-v4-signer';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };

type Captured = { method: string; path: string; headers: Record<string, string> };

/** The request the SDK would send for `command`, as signed: captured after its signing middleware. */
async function sdkSigned(command: HeadObjectCommand): Promise<Captured> {
  const client = createS3Client({ endpoint: 'http://127.0.0.1:9000', ...credentials });
  let captured: Captured | undefined;
  client.middlewareStack.addRelativeTo(
    () => async (args: { request: unknown }) => {
      captured = args.request as Captured;
      throw new Error('captured, not sent');
    },
    { name: 'captureSigned', relation: 'after', toMiddleware: 'httpSigningMiddleware' },
  );
  await expect(client.send(command)).rejects.toThrow('captured, not sent');
  if (!captured) throw new Error('the SDK sent nothing');
  const headers = Object.fromEntries(Object.entries(captured.headers).map(([n, v]) => [n.toLowerCase(), v]));
  return { method: captured.method, path: captured.path, headers };
}

/** Our signature of what the SDK signed, from the headers its Authorization names. */
function resigned(sdk: Captured): string {
  const names = /SignedHeaders=([^,]+)/.exec(sdk.headers.authorization ?? '')?.[1]?.split(';') ?? [];
  expect(names).toEqual(expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date']));
  const signed = Object.fromEntries(names.map((name) => [name, sdk.headers[name] ?? '']));
  return new SigV4Signer(credentials).authorization(
    sdk.method,
    sdk.path,
    signed,
    sdk.headers['x-amz-date'] ?? '',
  );
}

describe('SigV4Signer', () => {
  it('signs every header given, in order: a HEAD with a Range header as the SDK does', async () => {
    const sdk = await sdkSigned(
      new HeadObjectCommand({ Bucket: 'dataset', Key: 'test.txt', Range: 'bytes=0-9' }),
    );
    expect(sdk.method).toBe('HEAD');
    expect(sdk.headers.authorization).toContain(';range;');
    expect(resigned(sdk)).toBe(sdk.headers.authorization);
  });

  it.each([
    'plain.csv',
    'uploads/client-a/2026 12/product list (final).csv',
    "odd/a+b=c&d!e*f'g~h_i-j.k;l,m:n@o$p",
    'unicode/crème brûlée ☕.csv',
    'slashes//double/',
  ])('encodes and signs a HEAD of %j as the SDK does', async (key) => {
    const sdk = await sdkSigned(new HeadObjectCommand({ Bucket: 'dataset', Key: key }));
    expect(sdk.path).toBe(`/dataset/${encodeKey(key)}`);
    expect(resigned(sdk)).toBe(sdk.headers.authorization);
  });
});
