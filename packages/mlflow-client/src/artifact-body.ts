import { Readable } from 'node:stream';

/** Bytes to upload: in memory, or streamed from a Node Readable or a web ReadableStream. */
export type ArtifactBody = Uint8Array | string | Readable | ReadableStream<Uint8Array>;

/**
 * An upload body as fetch takes it. A stream can be read once only, so an upload given a stream is
 * not retried; pass a function returning a fresh stream (e.g. `() => createReadStream(file)`) to
 * make it retryable.
 */
export function artifactRequestBody(
  body: ArtifactBody | (() => ArtifactBody),
  contentType: string,
): { create: () => NonNullable<RequestInit['body']>; contentType: string; replayable: boolean } {
  if (typeof body === 'function') return { create: () => toBodyInit(body()), contentType, replayable: true };
  const replayable = typeof body === 'string' || body instanceof Uint8Array;
  return { create: () => toBodyInit(body), contentType, replayable };
}

function toBodyInit(body: ArtifactBody): NonNullable<RequestInit['body']> {
  if (body instanceof Readable) return Readable.toWeb(body) as ReadableStream<Uint8Array>;
  return body;
}
