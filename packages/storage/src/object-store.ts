import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { ObjectNotFoundError } from './object-not-found-error';
import { formatS3Uri, parseAllowedS3Uri, type S3Location } from './s3-uri';

export interface StoredObject {
  uri: string;
  key: string;
  size: number;
  lastModified: Date;
}

const isNotFound = (error: unknown): boolean =>
  error instanceof S3ServiceException &&
  (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);

/** Streaming access to the buckets this system is allowed to touch, addressed by s3:// URIs. */
export class ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly allowedBuckets: readonly string[],
  ) {}

  /** Parses a URI and refuses buckets outside the allow-list. */
  locate(uri: string): S3Location {
    return parseAllowedS3Uri(uri, this.allowedBuckets);
  }

  async download(uri: string): Promise<Readable> {
    const { bucket, key } = this.locate(uri);
    try {
      const { Body } = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!(Body instanceof Readable)) throw new Error(`S3 returned no stream for ${uri}`);
      return Body;
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(uri);
      throw error;
    }
  }

  async downloadBytes(uri: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.download(uri)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Multipart streaming upload: memory stays at a few parts whatever the size. S3 makes the object
   * visible only when the upload completes, so a failed upload never leaves a half-written object.
   */
  async upload(
    uri: string,
    body: Readable | Uint8Array | string,
    contentType = 'application/octet-stream',
  ): Promise<void> {
    const { bucket, key } = this.locate(uri);
    const upload = new Upload({
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
      queueSize: 2,
      // The S3 minimum: a few parts in flight bound the memory an upload holds whatever the object size.
      partSize: 5 * 1024 * 1024,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.size(uri)) !== undefined;
  }

  /** The object's size in bytes, or undefined when there is none. */
  async size(uri: string): Promise<number | undefined> {
    const { bucket, key } = this.locate(uri);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Every object under a prefix URI, in key order. */
  async list(prefixUri: string): Promise<StoredObject[]> {
    const { bucket, key: prefix } = this.locate(prefixUri);
    const objects: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const item of page.Contents ?? []) {
        if (!item.Key) continue;
        objects.push({
          uri: formatS3Uri({ bucket, key: item.Key }),
          key: item.Key,
          size: item.Size ?? 0,
          lastModified: item.LastModified ?? new Date(0),
        });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects;
  }

  async delete(uri: string): Promise<void> {
    const { bucket, key } = this.locate(uri);
    await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }

  /** Creates every allowed bucket that is missing (idempotent). */
  async ensureBuckets(): Promise<void> {
    for (const bucket of this.allowedBuckets) {
      try {
        await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (error) {
        if (!isNotFound(error)) throw error;
        await this.client.send(new CreateBucketCommand({ Bucket: bucket }));
      }
    }
  }

  /** Readiness: the first bucket answers. */
  async ping(): Promise<void> {
    const [bucket] = this.allowedBuckets;
    if (bucket) await this.client.send(new HeadBucketCommand({ Bucket: bucket }));
  }
}
