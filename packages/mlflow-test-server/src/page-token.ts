import { MlflowHttpError } from './mlflow-http-error';

// Page tokens are opaque to clients; an offset into the ordered result is all this server needs.

function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof offset === 'number' && Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the error below: a token we did not issue.
  }
  throw MlflowHttpError.invalidParameter(`Invalid page token '${token}'.`);
}

/** One page of `items` starting at `pageToken`, with the token for the next page if any remain. */
export function paginate<T>(
  items: T[],
  pageToken: string | undefined,
  maxResults: number,
): { page: T[]; nextPageToken: string | undefined } {
  const offset = decodePageToken(pageToken);
  const end = offset + maxResults;
  return {
    page: items.slice(offset, end),
    nextPageToken: end < items.length ? encodePageToken(end) : undefined,
  };
}
