import { addAbortSignal, Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type CopySource, copyParts, MIN_PART_BYTES } from './copy-parts';
import { ObjectChangedError } from './object-changed-error';
import { ObjectNotFoundError } from './object-not-found-error';
import type { S3Head } from './s3-head';
import { formatS3Uri, parseAllowedS3Uri, type S3Location } from './s3-uri';

export interface StoredObject {
  uri: string;
  key: string;
  size: number;
  lastModified: Date;
  etag: string;
}

export interface ObjectHead {
  size: number;
  etag: string;
}

export interface ReadOptions {
  /** Read exactly this version: a replaced object fails with ObjectChangedError instead of being read. */
  etag?: string | undefined;
  /** Aborting it destroys the download (its connection is closed, not left paused). */
  signal?: AbortSignal | undefined;
  /** Only these bytes: `start` inclusive, `end` exclusive (a ranged GET; one slice of a large input). */
  range?: ByteRange | undefined;
}

export interface ByteRange {
  start: number;
  end: number;
}

const isNotFound = (error: unknown): boolean =>
  error instanceof S3ServiceException &&
  (error.name === 'NoSuchKey' || error.name === 'NotFound' || error.$metadata.httpStatusCode === 404);

const isPreconditionFailed = (error: unknown): boolean =>
  error instanceof S3ServiceException &&
  (error.name === 'PreconditionFailed' || error.$metadata.httpStatusCode === 412);

/** ETags compare without their quotes (servers differ in sending them) or a weak-validator prefix. */
const sameEtag = (a: string | undefined, b: string) =>
  a !== undefined && a.replace(/^W\//, '').replaceAll('"', '') === b.replace(/^W\//, '').replaceAll('"', '');

/** Streaming access to the buckets this system is allowed to touch, addressed by s3:// URIs. */
export class ObjectStore {
  /** Whether the server implements UploadPartCopy: unknown until a concatenation tries it. */
  private partCopy: boolean | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly heads: S3Head,
    private readonly allowedBuckets: readonly string[],
  ) {}

  /** Parses a URI and refuses buckets outside the allow-list. */
  locate(uri: string): S3Location {
    return parseAllowedS3Uri(uri, this.allowedBuckets);
  }

  /**
   * Streams an object. With `etag`, S3 is asked for that version (If-Match) and the answer's ETag is checked
   * as well, for servers that ignore the condition: a replaced object is never read as the pinned one.
   */
  async download(uri: string, options: ReadOptions = {}): Promise<Readable> {
    const { bucket, key } = this.locate(uri);
    const { etag, signal, range } = options;
    // HTTP ranges are inclusive and cannot be empty: an empty slice is answered here.
    if (range && range.end <= range.start) return Readable.from([]);
    try {
      const { Body, ETag } = await this.client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          IfMatch: etag,
          Range: range ? `bytes=${range.start}-${range.end - 1}` : undefined,
        }),
        { abortSignal: signal },
      );
      if (!(Body instanceof Readable)) throw new Error(`S3 returned no stream for ${uri}`);
      if (etag !== undefined && !sameEtag(ETag, etag)) {
        Body.destroy();
        throw new ObjectChangedError(uri, etag, ETag);
      }
      return signal ? addAbortSignal(signal, Body) : Body;
    } catch (error) {
      if (etag !== undefined && isPreconditionFailed(error)) {
        throw new ObjectChangedError(uri, etag, (await this.head(uri))?.etag);
      }
      if (isNotFound(error)) {
        throw etag === undefined
          ? new ObjectNotFoundError(uri)
          : new ObjectChangedError(uri, etag, undefined);
      }
      throw error;
    }
  }

  async downloadBytes(uri: string, options: ReadOptions = {}): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.download(uri, options)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Multipart streaming upload: memory stays at a few parts whatever the size. S3 makes the object
   * visible only when the upload completes, so a failed upload never leaves a half-written object; its parts
   * are aborted on every failure (a body that errors, a part refused, `signal` aborted). Parts of a process
   * killed mid-upload are left to the bucket's AbortIncompleteMultipartUpload lifecycle rule.
   */
  async upload(
    uri: string,
    body: Readable | Uint8Array | string,
    contentType = 'application/octet-stream',
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<string | undefined> {
    const { bucket, key } = this.locate(uri);
    // A controller of the upload's own: lib-storage takes over its signal's onabort.
    const abortController = new AbortController();
    const abort = () => abortController.abort(options.signal?.reason);
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    const upload = new Upload({
      abortController,
      client: this.client,
      params: { Bucket: bucket, Key: key, Body: body, ContentType: contentType },
      queueSize: 2,
      // The S3 minimum: a few parts in flight bound the memory an upload holds whatever the object size.
      partSize: 5 * 1024 * 1024,
      leavePartsOnError: false,
    });
    try {
      // The ETag of what this upload wrote, from S3's answer: a HEAD afterwards could see another writer's.
      return (await upload.done()).ETag;
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
  }

  /**
   * Writes `target` as `head` followed by the sources' bytes, in order, as one object that appears only
   * when complete (a failure leaves no target). Copied inside S3 (UploadPartCopy) when the store implements
   * it and the layout allows (no head; every source but the last at least 5 MiB, S3's smallest part);
   * otherwise streamed through this process with bounded memory. Sources given with an ETag are read at
   * that version. Answers how it was done.
   */
  async concatenate(
    target: string,
    sources: readonly { uri: string; etag?: string | undefined }[],
    options: { head?: string; contentType?: string; signal?: AbortSignal | undefined } = {},
  ): Promise<'copied' | 'streamed'> {
    const { head = '', contentType = 'application/octet-stream', signal } = options;
    const located: CopySource[] = sources.map(({ uri, etag }) => ({ ...this.locate(uri), etag }));
    if (head === '' && sources.length > 0 && this.partCopy !== false) {
      const sizes = await Promise.all(sources.slice(0, -1).map(({ uri }) => this.size(uri)));
      if (sizes.every((size) => (size ?? 0) >= MIN_PART_BYTES)) {
        const copied = await copyParts(this.client, this.locate(target), located, contentType, signal).catch(
          async (error: unknown) => {
            throw await this.refusedCopy(sources, error);
          },
        );
        // Learnt once per store: a server without UploadPartCopy is not asked again.
        this.partCopy = copied;
        if (copied) return 'copied';
      }
    }
    const store = this;
    async function* body() {
      if (head !== '') yield Buffer.from(head);
      for (const { uri, etag } of sources) yield* await store.download(uri, { etag, signal });
    }
    await this.upload(target, Readable.from(body()), contentType, { signal });
    return 'streamed';
  }

  /** A copy S3 refused on a part's ETag (replaced or gone since it was taken) names that part, as a read would. */
  private async refusedCopy(
    sources: readonly { uri: string; etag?: string | undefined }[],
    error: unknown,
  ): Promise<unknown> {
    if (!isPreconditionFailed(error) && !isNotFound(error)) return error;
    for (const { uri, etag } of sources) {
      if (etag === undefined) continue;
      const now = (await this.head(uri))?.etag;
      if (!sameEtag(now, etag)) return new ObjectChangedError(uri, etag, now);
    }
    return error;
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.size(uri)) !== undefined;
  }

  /** The object's size in bytes, or undefined when there is none. */
  async size(uri: string): Promise<number | undefined> {
    return (await this.head(uri))?.size;
  }

  /** The object's size and ETag (its version), or undefined when there is none. */
  head(uri: string): Promise<ObjectHead | undefined> {
    const { bucket, key } = this.locate(uri);
    return this.heads.head(bucket, key);
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
          etag: item.ETag ?? '',
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
