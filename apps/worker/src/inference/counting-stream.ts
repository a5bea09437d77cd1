import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Passes bytes through, counting them (progress of a stream whose row count is unknown up front) and
 * showing each chunk to `tap` (e.g. a content hash) without a second read.
 */
export class CountingStream extends Transform {
  bytes = 0;

  constructor(private readonly tap?: (chunk: Buffer) => void) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ) {
    this.bytes += chunk.length;
    this.tap?.(chunk);
    done(null, chunk);
  }
}

/**
 * `source` through a CountingStream, with pipeline semantics (not `.pipe()`, which forwards no errors): a
 * source that fails (the S3 connection reset mid-download) destroys the counter with its error, so the
 * reader fails instead of waiting for ever, and a reader that stops early destroys the source with it.
 */
export function counted(source: Readable, tap?: (chunk: Buffer) => void): CountingStream {
  const counter = new CountingStream(tap);
  // The error reaches the reader through `counter`, which pipeline destroys with it.
  pipeline(source, counter).catch(() => {});
  return counter;
}
