import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { createS3Client } from './create-s3-client';
import { EMPTY_PAYLOAD_SHA256, encodeKey, SigV4Signer } from './sig-v4-signer';

const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', region: 'us-east-1' };

/** The request the SDK would send for a HeadObject, as signed: captured after its signing middleware. */
async function sdkSignedHead(key: string): Promise<{ path: string; headers: Record<string, string> }> {
  const client = createS3Client({ endpoint: 'http://127.0.0.1:9000', ...credentials });
  let captured: { path: string; headers: Record<string, string> } | undefined;
  client.middlewareStack.addRelativeTo(
    () => async (args: { request: unknown }) => {
      captured = args.request as { path: string; headers: Record<string, string> };
      throw new Error('captured, not sent');
    },
    { name: 'captureSigned', relation: 'after', toMiddleware: 'httpSigningMiddleware' },
  );
  await expect(client.send(new HeadObjectCommand({ Bucket: 'dataset', Key: key }))).rejects.toThrow(
    'captured, not sent',
  );
  if (!captured) throw new Error('the SDK sent nothing');
  const headers = Object.fromEntries(Object.entries(captured.headers).map(([n, v]) => [n.toLowerCase(), v]));
  return { path: captured.path, headers };
}

describe('SigV4Signer', () => {
  it("signs AWS's documented example (GET Object with a Range, payload in a single chunk)", () => {
    // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "Example: GET Object".
    const signer = new SigV4Signer({
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      region: 'us-east-1',
    });
    const headers = {
      Host: 'examplebucket.s3.amazonaws.com',
      Range: 'bytes=0-9',
      'x-amz-content-sha256': EMPTY_PAYLOAD_SHA256,
      'x-amz-date': '20130524T000000Z',
    };
    expect(signer.authorization('GET', '/test.txt', headers, '20130524T000000Z')).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, ' +
        'SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, ' +
        'Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
  });

  it.each([
    'plain.csv',
    'uploads/client-a/2026 12/product list (final).csv',
    "odd/a+b=c&d!e*f'g~h_i-j.k;l,m:n@o$p",
    'unicode/crème brûlée ☕.csv',
    'slashes//double/',
  ])('encodes and signs a HEAD of %j as the SDK does', async (key) => {
    const sdk = await sdkSignedHead(key);
    expect(sdk.path).toBe(`/dataset/${encodeKey(key)}`);
    const names = /SignedHeaders=([^,]+)/.exec(sdk.headers.authorization ?? '')?.[1]?.split(';') ?? [];
    expect(names).toEqual(expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date']));
    const signed = Object.fromEntries(names.map((name) => [name, sdk.headers[name] ?? '']));
    const amzDate = sdk.headers['x-amz-date'] ?? '';
    expect(new SigV4Signer(credentials).authorization('HEAD', sdk.path, signed, amzDate)).toBe(
      sdk.headers.authorization,
    );
  });
});
