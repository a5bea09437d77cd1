import { randomUUID } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import type { UploadAnswer } from '@shelfwise/contracts';
import { clientNamespace } from '@shelfwise/contracts';
import type { Logger } from '@shelfwise/logger';
import type { ObjectStore } from '@shelfwise/storage';
import type { Caller } from '../auth/caller';
import { PayloadTooLargeError } from '../errors/payload-too-large-error';
import { RequestError } from '../errors/request-error';
import { UnavailableError } from '../errors/unavailable-error';

export interface CsvUploaderOptions {
  /** The bucket uploads land in (the dataset bucket: jobs read their input from there). */
  bucket: string;
  maxBytes: number;
}

const EMPTY = 'the body is empty: send the CSV file';
const megabytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/**
 * Where an upload goes. A file name: `uploads/<uuid>-<name>`, unique, never replacing another upload. A key
 * path with folders (`train/Training_Data.csv`): that very path, as the original bucket layout has it. A
 * client key's uploads go under its own namespace, `clients/<key id>/`: the only place it may read inputs
 * from, which no other client may name.
 */
function keyFor(name: string, caller: Caller): string {
  const base = caller.role === 'admin' || caller.keyId === null ? '' : clientNamespace(caller.keyId);
  return name.includes('/') ? `${base}${name}` : `${base}uploads/${randomUUID()}-${name}`;
}

/**
 * Streams a CSV body into the bucket (at `keyFor`): memory stays at a few multipart parts
 * whatever the size, and a body over the limit is cut off as soon as it passes it (a lying or missing
 * Content-Length included). S3 shows the object only once the upload completed, so nothing half-written stays.
 */
export class CsvUploader {
  constructor(
    private readonly store: ObjectStore,
    private readonly logger: Logger,
    private readonly options: CsvUploaderOptions,
  ) {}

  async upload(
    name: string,
    caller: Caller,
    body: Readable,
    declaredBytes: number | undefined,
  ): Promise<UploadAnswer> {
    const limit = `the file is larger than ${megabytes(this.options.maxBytes)}`;
    if (declaredBytes !== undefined && declaredBytes > this.options.maxBytes) {
      throw new PayloadTooLargeError(limit);
    }
    if (declaredBytes === 0) throw new RequestError(EMPTY);
    const uri = `s3://${this.options.bucket}/${keyFor(name, caller)}`;
    let size = 0;
    let tooLarge = false;
    const counter = new Transform({
      // An empty body fails the upload itself, so a key path's earlier object is never replaced by nothing.
      flush: (done) => done(size === 0 ? new RequestError(EMPTY) : null),
      transform: (chunk: Buffer, _encoding, done) => {
        size += chunk.length;
        if (size > this.options.maxBytes) {
          tooLarge = true;
          done(new PayloadTooLargeError(limit));
        } else {
          done(null, chunk);
        }
      },
    });
    // Not stream.pipeline: it would destroy the request, and with it the socket the 413 must go out on.
    // Node discards what is left of an unread body once the answer is sent.
    body.pipe(counter);
    body.once('error', (error) => counter.destroy(error));
    counter.once('error', () => body.unpipe(counter));
    try {
      await this.store.upload(uri, counter, 'text/csv');
    } catch (error) {
      if (tooLarge) throw new PayloadTooLargeError(limit);
      if (size === 0 && body.readableEnded) throw new RequestError(EMPTY);
      if (body.destroyed && !body.readableEnded) throw new RequestError('the upload was interrupted');
      this.logger.warn({ err: error, uri }, 'upload to object storage failed');
      throw new UnavailableError('UNAVAILABLE', 'object storage did not take the file; retry later', {
        retryAfterSeconds: 5,
      });
    }
    this.logger.info({ uri, size }, 'file uploaded');
    return { uri, size };
  }
}
