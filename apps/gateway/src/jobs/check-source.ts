import type { Logger } from '@shelfwise/logger';
import { type ObjectStore, S3UriError } from '@shelfwise/storage';
import { NotFoundError } from '../errors/not-found-error';
import { RequestError } from '../errors/request-error';
import { UnavailableError } from '../errors/unavailable-error';

/** The S3 input a job reads: one object, or a prefix with at least one object under it. */
export interface Source {
  /** The request field that named it, so errors point at it. */
  field: string;
  uri: string;
  kind: 'object' | 'prefix';
}

/**
 * Refuses a job whose input cannot be read before anything is recorded: a bucket outside the allowed ones
 * is 400, a missing object or an empty prefix is 404, an S3 that does not answer is 503. Returns a single
 * object's ETag: the job is pinned to that version (a prefix is pinned by the worker's first listing).
 */
export async function checkSource(
  store: ObjectStore,
  { field, uri, kind }: Source,
  logger: Logger,
  allowedPrefixes?: string[],
): Promise<{ etag: string | undefined }> {
  let path: string;
  try {
    const { bucket, key } = store.locate(uri);
    path = `${bucket}/${key}`;
  } catch (error) {
    if (!(error instanceof S3UriError)) throw error;
    throw new RequestError(`${field}: ${error.message}`, [{ path: field, message: error.message }]);
  }
  if (allowedPrefixes && !allowedPrefixes.some((prefix) => path.startsWith(prefix))) {
    const message = `must be under one of the allowed prefixes (${allowedPrefixes.join(', ')})`;
    throw new RequestError(`${field}: ${message}`, [{ path: field, message }]);
  }
  let found: boolean;
  let etag: string | undefined;
  try {
    if (kind === 'object') {
      etag = (await store.head(uri))?.etag;
      found = etag !== undefined;
    } else found = (await store.list(uri)).length > 0;
  } catch (error) {
    logger.warn({ err: error, field }, 'object storage did not answer');
    throw new UnavailableError('UNAVAILABLE', 'object storage did not answer; retry later', {
      retryAfterSeconds: 5,
    });
  }
  if (!found) {
    const message = kind === 'object' ? `no object at ${uri}` : `no object under the prefix ${uri}`;
    throw new NotFoundError(`${field}: ${message}`, [{ path: field, message }]);
  }
  // An empty ETag (a server that sends none) pins nothing.
  return { etag: etag || undefined };
}
