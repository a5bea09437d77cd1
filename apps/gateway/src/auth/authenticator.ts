import { timingSafeEqual } from 'node:crypto';
import { type ApiKeyRepository, hashApiKey } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { GatewayMetrics } from '@shelfwise/metrics';
import { RateLimitedError } from '../errors/rate-limited-error';
import { UnauthenticatedError } from '../errors/unauthenticated-error';
import type { Caller } from './caller';
import { ExpiringSet } from './expiring-set';
import type { MinuteCounter } from './minute-counter';
import { presentedKey } from './presented-key';

// A key MySQL did not know is answered 401 from memory for this long: a client retrying a revoked or mistyped
// key, or an attacker repeating one, costs no lookup. A key made within that time may wait as long to work.
const UNKNOWN_TTL_MS = 10_000;
// Keys this gateway authenticated lately skip the per-address limit (they are still looked up every time,
// so revoking one takes effect at once).
const KNOWN_TTL_MS = 10 * 60_000;
const MAX_REMEMBERED = 10_000;

export interface UnknownKeyLimit {
  counter: MinuteCounter;
  /** Key prefix, the queue prefix: tests and deployments sharing a Redis do not share counters. */
  prefix: string;
  /** MySQL lookups of keys not lately seen valid, per client address per minute. */
  perMinute: number;
}

export interface AuthenticatorOptions {
  keys: ApiKeyRepository;
  /** Keys accepted as admin besides MySQL's: ADMIN_API_KEY, the development key. */
  adminKeys: string[];
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'countKeyLookup'>;
  /** undefined: lookups are not limited per address. */
  unknownKeys?: UnknownKeyLimit | undefined;
}

/** What a request presents: its Authorization header, and its client address (only read when needed). */
export interface Credentials {
  authorization: string | undefined;
  address(): string;
}

// Compared as sha256 digests: equal lengths for timingSafeEqual, and no early exit on the first differing byte.
const matches = (hash: string, adminHashes: Buffer[]) => {
  const digest = Buffer.from(hash, 'hex');
  return adminHashes.some((admin) => timingSafeEqual(digest, admin));
};

/**
 * Who sent a request, or a 401. Admin keys from the environment (ADMIN_API_KEY, the development key) are
 * checked first; then the hashed keys in MySQL. Before MySQL is asked about a key this gateway has not lately
 * seen valid, the client address's count of such lookups is checked: over `unknownKeys.perMinute` the answer
 * is 429 without a lookup, so a flood of random keys is not a flood of queries.
 */
export class Authenticator {
  private readonly adminHashes: Buffer[];
  private readonly unknown = new ExpiringSet(UNKNOWN_TTL_MS, MAX_REMEMBERED);
  private readonly known = new ExpiringSet(KNOWN_TTL_MS, MAX_REMEMBERED);

  constructor(private readonly options: AuthenticatorOptions) {
    this.adminHashes = options.adminKeys.map((key) => Buffer.from(hashApiKey(key), 'hex'));
  }

  async callerOf(credentials: Credentials): Promise<Caller> {
    const { keys, logger, metrics, unknownKeys } = this.options;
    const key = presentedKey(credentials.authorization);
    if (!key) throw new UnauthenticatedError();
    const hash = hashApiKey(key);
    if (matches(hash, this.adminHashes)) return { role: 'admin', keyId: null };
    if (this.unknown.has(hash)) {
      metrics.countKeyLookup('cached');
      throw new UnauthenticatedError('the API key is unknown or revoked');
    }
    if (unknownKeys && !this.known.has(hash)) await this.checkAddress(credentials.address(), unknownKeys);
    const stored = await keys.findActiveByHash(hash);
    metrics.countKeyLookup(stored ? 'found' : 'unknown');
    if (!stored) {
      this.unknown.add(hash);
      throw new UnauthenticatedError('the API key is unknown or revoked');
    }
    this.known.add(hash);
    // Bookkeeping only: a failed write must not fail the request.
    keys.touch(stored.id).catch((error: unknown) => logger.debug({ err: error }, 'api key last_used_at'));
    return { role: stored.role === 'ADMIN' ? 'admin' : 'client', keyId: stored.id };
  }

  private async checkAddress(address: string, limit: UnknownKeyLimit): Promise<void> {
    let count: number;
    let retryAfterSeconds: number;
    try {
      ({ count, retryAfterSeconds } = await limit.counter.count(`${limit.prefix}:unknown-keys:${address}`));
    } catch (error) {
      // As the per-key limit: Redis not answering must not take authentication down with it.
      this.options.logger.debug({ err: error }, 'unknown-key limit not counted');
      return;
    }
    if (count <= limit.perMinute) return;
    this.options.metrics.countKeyLookup('refused');
    throw new RateLimitedError(
      `over ${limit.perMinute} unknown API keys per minute from this address`,
      retryAfterSeconds,
    );
  }
}
