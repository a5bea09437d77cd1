import { StorageRequestError } from './storage-request-error';

// Socket-level failures: nothing answered at the S3 endpoint (refused, reset, timed out, unknown host).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * True when an S3 call failed because the endpoint could not be reached, after the retries. The SDK marks
 * every error of a call it made with `$metadata`; a socket error then keeps its errno `code`. A request of
 * this package's own (S3Head) that nothing answered is a StorageRequestError without a status.
 */
export function isStorageUnreachable(error: unknown): error is Error {
  if (error instanceof StorageRequestError) return error.status === undefined;
  if (!(error instanceof Error) || !('$metadata' in error)) return false;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && NETWORK_CODES.has(code)) || error.name === 'TimeoutError';
}
