import { timingSafeEqual } from 'node:crypto';
import { type ApiKeyRepository, hashApiKey } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { RequestHandler } from 'express';
import { UnauthenticatedError } from '../errors/unauthenticated-error';
import type { Caller } from './caller';
import { presentedKey } from './presented-key';

// Compared as sha256 digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte.
const matches = (hash: string, adminHashes: Buffer[]) => {
  const digest = Buffer.from(hash, 'hex');
  return adminHashes.some((admin) => timingSafeEqual(digest, admin));
};

/**
 * Resolves the caller of every request behind it into `res.locals.caller`, or answers 401. Admin keys from
 * the environment (ADMIN_API_KEY, the development key) are checked first; then the hashed keys in MySQL.
 */
export function authenticate(keys: ApiKeyRepository, adminKeys: string[], logger: Logger): RequestHandler {
  const adminHashes = adminKeys.map((key) => Buffer.from(hashApiKey(key), 'hex'));
  return async (req, res, next) => {
    const key = presentedKey(req);
    if (!key) throw new UnauthenticatedError();
    const hash = hashApiKey(key);
    let caller: Caller;
    if (matches(hash, adminHashes)) {
      caller = { role: 'admin', keyId: null };
    } else {
      const stored = await keys.findActiveByHash(hash);
      if (!stored) throw new UnauthenticatedError('the API key is unknown or revoked');
      caller = { role: stored.role === 'ADMIN' ? 'admin' : 'client', keyId: stored.id };
      // Bookkeeping only: a failed write must not fail the request.
      keys.touch(stored.id).catch((error: unknown) => logger.debug({ err: error }, 'api key last_used_at'));
    }
    res.locals.caller = caller;
    next();
  };
}
