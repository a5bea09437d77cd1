import type { Response } from 'express';
import { ForbiddenError } from '../errors/forbidden-error';

/** Who sent a request: its role, and the MySQL key id (null for ADMIN_API_KEY or the development key). */
export interface Caller {
  role: 'admin' | 'client';
  keyId: string | null;
}

/** The caller `authenticate` recorded; routes behind it always have one. */
export function callerOf(res: Response): Caller {
  const caller = res.locals.caller as Caller | undefined;
  if (!caller) throw new Error('no caller: the route is not behind authenticate()');
  return caller;
}

/** The key id a listing is narrowed to: a client sees its own jobs, an admin every job. */
export function ownerFilter(caller: Caller): string | undefined {
  return caller.role === 'admin' ? undefined : (caller.keyId ?? undefined);
}

/** Refuses a client reading or cancelling a job another key submitted. */
export function assertOwns(caller: Caller, job: { id: string; apiKeyId: string | null }): void {
  if (caller.role === 'admin' || job.apiKeyId === caller.keyId) return;
  throw new ForbiddenError(`job ${job.id} belongs to another API key`);
}
