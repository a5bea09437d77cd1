import { Transform } from 'node:stream';

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
