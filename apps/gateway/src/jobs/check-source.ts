import type { JobSource } from '@shelfwise/contracts';
import type { Logger } from '@shelfwise/logger';
import { type ObjectStore, S3UriError } from '@shelfwise/storage';
import { ForbiddenError } from '../errors/forbidden-error';
import { NotFoundError } from '../errors/not-found-error';
import { RequestError } from '../errors/request-error';
import { UnavailableError } from '../errors/unavailable-error';
import type { InputLocation } from '../tenancy/input-access';

export interface SourceRules {
  /** `bucket/prefix` entries the input must fall under; undefined: anywhere in the allowed buckets. */
  allowedPrefixes?: string[] | undefined;
  /** Why the caller may not read the input (answered 403); undefined when it may. */
  refusal(input: InputLocation): Promise<string | undefined>;
}

/**
 * Refuses a job whose input cannot be read before anything is recorded: a bucket outside the allowed ones
 * is 400, an input the caller may not read is 403 (decided before S3 is asked, so another client's objects
 * are not confirmed to exist), a missing object or an empty prefix is 404, an S3 that does not answer is
 * 503. Returns a single object's ETag: the job is pinned to that version (a prefix is pinned by the
 * worker's first listing).
 */
export async function checkSource(
  store: ObjectStore,
  { field, uri, kind }: JobSource,
  logger: Logger,
  { allowedPrefixes, refusal }: SourceRules,
): Promise<{ etag: string | undefined }> {
  let location: InputLocation;
  try {
    location = { ...store.locate(uri), kind };
  } catch (error) {
    if (!(error instanceof S3UriError)) throw error;
    throw new RequestError(`${field}: ${error.message}`, [{ path: field, message: error.message }]);
  }
  const path = `${location.bucket}/${location.key}`;
  if (allowedPrefixes && !allowedPrefixes.some((prefix) => path.startsWith(prefix))) {
    const message = `must be under one of the allowed prefixes (${allowedPrefixes.join(', ')})`;
    throw new RequestError(`${field}: ${message}`, [{ path: field, message }]);
  }
  const refused = await refusal(location);
  if (refused) throw new ForbiddenError(`${field}: ${refused}`, [{ path: field, message: refused }]);
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
