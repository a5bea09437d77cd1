import type { Request } from 'express';
import { RequestError } from '../errors/request-error';

const HEADER = 'Idempotency-Key';
// The column is VARCHAR(255); visible ASCII keeps keys printable in logs and error messages.
const VALID = /^[\x21-\x7e]{1,255}$/;

/** The request's `Idempotency-Key`, if it sent one. */
export function idempotencyKey(req: Request): string | undefined {
  const key = req.get(HEADER);
  if (key === undefined) return undefined;
  if (!VALID.test(key)) {
    const message = 'must be 1 to 255 visible ASCII characters';
    throw new RequestError(`${HEADER}: ${message}`, [{ path: HEADER, message }]);
  }
  return key;
}
