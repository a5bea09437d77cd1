import type { Response } from 'express';
import { NotFoundError } from '../errors/not-found-error';

/** Who sent a request: its role, and the MySQL key id (null for ADMIN_API_KEY or the development key). */
export interface Caller {
  role: 'admin' | 'client';
  keyId: string | null;
}

/** Whose idempotency keys and rate-limit window a caller uses: the environment's admin keys share one. */
const ENV_ADMIN_SCOPE = 'env-admin';

/** The caller `authenticate` recorded; routes behind it always have one. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('no caller: the route is not behind authenticate()');
  return caller;
}

/** The caller's own scope: its key id, or ENV_ADMIN_SCOPE for the environment's admin keys. */
export function scopeOf(caller: Caller): string {
  return caller.keyId ?? ENV_ADMIN_SCOPE;
}

/** The key id a listing is narrowed to: a client sees its own jobs, an admin every job. */
export function ownerFilter(caller: Caller): string | undefined {
  return caller.role === 'admin' ? undefined : (caller.keyId ?? undefined);
}

/**
 * Refuses a client reading or cancelling a job another key submitted, with the very answer a missing job
 * gets (404): another client's job ids are not confirmed to exist.
 */
export function assertOwns(caller: Caller, job: { id: string; apiKeyId: string | null }): void {
  if (caller.role === 'admin' || job.apiKeyId === caller.keyId) return;
  throw new NotFoundError(`no job ${job.id}`);
}
