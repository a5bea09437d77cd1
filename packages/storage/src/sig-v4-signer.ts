import { createHash, createHmac } from 'node:crypto';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** The SHA-256 of an empty body: what a request without one signs as its payload. */
export const EMPTY_PAYLOAD_SHA256 = createHash('sha256').update('').digest('hex');

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * AWS Signature Version 4 for S3 requests in the Authorization header (the "single chunk" form: the payload's
 * hash is sent as x-amz-content-sha256, which must be among `headers`). Every header given is signed. The
 * signing key is derived once per UTC day. `path` must already be URI-encoded as S3 expects (`encodeKey`):
 * S3 signs the path as sent, without encoding it again.
 */
export class SigV4Signer {
  private keyDay = '';
  private signingKey = Buffer.alloc(0);

  constructor(
    private readonly credentials: SigningCredentials,
    private readonly service = 's3',
  ) {}

  /** The Authorization header for a request with no query string; `amzDate` is its x-amz-date header. */
  authorization(method: string, path: string, headers: Record<string, string>, amzDate: string): string {
    const canonical = Object.entries(headers)
      .map(([name, value]) => [name.toLowerCase(), value.trim()] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    const canonicalHeaders = canonical.map(([name, value]) => `${name}:${value}\n`).join('');
    const signedHeaders = canonical.map(([name]) => name).join(';');
    const payload = canonical.find(([name]) => name === 'x-amz-content-sha256')?.[1] ?? EMPTY_PAYLOAD_SHA256;
    const canonicalRequest = `${method}\n${path}\n\n${canonicalHeaders}\n${signedHeaders}\n${payload}`;
    const day = amzDate.slice(0, 8);
    const { accessKeyId, region } = this.credentials;
    const scope = `${day}/${region}/${this.service}/aws4_request`;
    const hashed = createHash('sha256').update(canonicalRequest).digest('hex');
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${hashed}`;
    const signature = createHmac('sha256', this.keyOf(day)).update(stringToSign).digest('hex');
    return `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  }

  private keyOf(day: string): Buffer {
    if (day !== this.keyDay) {
      const { secretAccessKey, region } = this.credentials;
      const dated = hmac(`AWS4${secretAccessKey}`, day);
      this.signingKey = hmac(hmac(hmac(dated, region), this.service), 'aws4_request');
      this.keyDay = day;
    }
    return this.signingKey;
  }
}

/** x-amz-date's format: 20130524T000000Z. */
export const amzDateOf = (date: Date): string => date.toISOString().replace(/[-:]|\.\d{3}/g, '');

/** An object key as S3 paths carry it: each segment URI-encoded (RFC 3986 unreserved characters kept), `/` kept. */
export const encodeKey = (key: string): string =>
  key
    .split('/')
    .map((segment) =>
      encodeURIComponent(segment).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      ),
    )
    .join('/');
