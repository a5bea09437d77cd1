import { timingSafeEqual } from 'node:crypto';
import { type ApiKeyRepository, hashApiKey } from '@shelfwise/db';
import type { RedisConnection } from '@shelfwise/infrastructure';
import type { Logger } from '@shelfwise/logger';
import type { GatewayMetrics } from '@shelfwise/metrics';
import type { Request, RequestHandler } from 'express';
import { RateLimitedError } from '../errors/rate-limited-error';
import { UnauthenticatedError } from '../errors/unauthenticated-error';
import type { Caller } from './caller';
import { ExpiringSet } from './expiring-set';
import { countInMinute, type WindowCount } from './fixed-window';
import { presentedKey } from './presented-key';

// A key MySQL did not know is answered 401 from memory for this long: a client retrying a revoked or mistyped
// key, or an attacker repeating one, costs no lookup. A key made within that time may wait as long to work.
const UNKNOWN_TTL_MS = 10_000;
// Keys this gateway authenticated lately skip the per-address limit (they are still looked up every time,
// so revoking one takes effect at once).
const KNOWN_TTL_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

export interface UnknownKeyLimit {
  redis: RedisConnection;
  /** Key prefix, the queue prefix: tests and deployments sharing a Redis do not share counters. */
  prefix: string;
  /** MySQL lookups of keys not lately seen valid, per client address per minute. */
  perMinute: number;
}

export interface AuthenticateOptions {
  keys: ApiKeyRepository;
  /** Keys accepted as admin besides MySQL's: ADMIN_API_KEY, the development key. */
  adminKeys: string[];
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'countKeyLookup'>;
  /** undefined: lookups are not limited per address. */
  unknownKeys?: UnknownKeyLimit | undefined;
}

// Compared as sha256 digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte.
const matches = (hash: string, adminHashes: Buffer[]) => {
  const digest = Buffer.from(hash, 'hex');
  return adminHashes.some((admin) => timingSafeEqual(digest, admin));
};

/**
 * Resolves the caller of every request behind it into `res.locals.caller`, or answers 401. Admin keys from
 * the environment (ADMIN_API_KEY, the development key) are checked first; then the hashed keys in MySQL.
 * Before MySQL is asked about a key this gateway has not lately seen valid, the client address's count of
 * such lookups is checked: over `unknownKeys.perMinute` the answer is 429 without a lookup, so a flood of
 * random keys is not a flood of queries.
 */
export function authenticate({
  keys,
  adminKeys,
  logger,
  metrics,
  unknownKeys,
}: AuthenticateOptions): RequestHandler {
  const adminHashes = adminKeys.map((key) => Buffer.from(hashApiKey(key), 'hex'));
  const unknown = new ExpiringSet(UNKNOWN_TTL_MS, MAX_REMEMBERED);
  const known = new ExpiringSet(KNOWN_TTL_MS, MAX_REMEMBERED);

  const checkAddress = async (req: Request, limit: UnknownKeyLimit) => {
    const address = req.ip ?? 'unknown';
    let counted: WindowCount;
    try {
      counted = await countInMinute(limit.redis, `${limit.prefix}:unknown-keys:${address}`);
    } catch (error) {
      // As the per-key limit: Redis not answering must not take authentication down with it.
      logger.debug({ err: error }, 'unknown-key limit not counted');
      return;
    }
    if (counted.count <= limit.perMinute) return;
    metrics.countKeyLookup('refused');
    throw new RateLimitedError(
      `over ${limit.perMinute} unknown API keys per minute from this address`,
      counted.retryAfterSeconds,
    );
  };

  return async (req, res, next) => {
    const key = presentedKey(req);
    if (!key) throw new UnauthenticatedError();
    const hash = hashApiKey(key);
    let caller: Caller;
    if (matches(hash, adminHashes)) {
      caller = { role: 'admin', keyId: null };
    } else {
      if (unknown.has(hash)) {
        metrics.countKeyLookup('cached');
        throw new UnauthenticatedError('the API key is unknown or revoked');
      }
      if (unknownKeys && !known.has(hash)) await checkAddress(req, unknownKeys);
      const stored = await keys.findActiveByHash(hash);
      metrics.countKeyLookup(stored ? 'found' : 'unknown');
      if (!stored) {
        unknown.add(hash);
        throw new UnauthenticatedError('the API key is unknown or revoked');
      }
      known.add(hash);
      caller = { role: stored.role === 'ADMIN' ? 'admin' : 'client', keyId: stored.id };
      // Bookkeeping only: a failed write must not fail the request.
      keys.touch(stored.id).catch((error: unknown) => logger.debug({ err: error }, 'api key last_used_at'));
    }
    res.locals.caller = caller;
    next();
  };
}
