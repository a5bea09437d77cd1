import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { type Readable, Transform, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiRequestError } from './api-request-error';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Writes into a stream without ending it: stdout stays open for whatever the process writes next. */
const into = (target: Writable) => async (source: AsyncIterable<Buffer>) => {
  for await (const chunk of source) if (!target.write(chunk)) await once(target, 'drain');
};

/**
 * Streams `body` into a file or a stream (stdout) and answers the bytes written. A file appears under its
 * name only once complete: it is written beside it under a temporary name and renamed, so a download
 * that breaks off leaves no partial file that looks like predictions. A body that breaks off is the API's
 * failure (exit 3); a file that cannot be written is thrown as it is (the caller's mistake).
 */
export async function downloadTo(body: Readable, target: string | Writable): Promise<number> {
  let bytes = 0;
  let broken = false;
  body.once('error', () => {
    broken = true;
  });
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  const temporary =
    typeof target === 'string' ? `${target}.${randomBytes(4).toString('hex')}.part` : undefined;
  const sink = temporary ? createWriteStream(temporary, { flags: 'wx' }) : into(target as Writable);
  try {
    await pipeline(body, counter, sink);
    if (temporary) await rename(temporary, target as string);
    return bytes;
  } catch (error) {
    if (temporary) await rm(temporary, { force: true });
    if (broken)
      throw new ApiRequestError(
        0,
        'NETWORK',
        `the download broke off after ${bytes} bytes: ${describe(error)}`,
      );
    throw error;
  }
}
