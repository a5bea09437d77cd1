import { z } from 'zod';
import type { PreviousVersion } from './job-catalog';

/** A job's payload schemas: the version producers write, and the one before it. */
export interface PayloadVersions<Payload> {
  version: number;
  payload: z.ZodType<Payload>;
  previous?: PreviousVersion<Payload> | undefined;
}

export type PayloadRead<Payload> = { ok: true; payload: Payload } | { ok: false; problems: string };

const stated = z.object({ v: z.number() });
const describe = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');

function checked<Payload>(parsed: z.ZodSafeParseResult<Payload>): PayloadRead<Payload> {
  return parsed.success
    ? { ok: true, payload: parsed.data }
    : { ok: false, problems: describe(parsed.error) };
}

/**
 * Reads a queued payload. A rolling deploy runs old and new producers and workers side by side: a worker
 * reads the current version as it is and the previous one through that job's `upgrade`, so jobs queued
 * by the release before still run; any other version is refused, saying which ones this worker reads.
 */
export function readPayload<Payload>(
  versions: PayloadVersions<Payload>,
  data: unknown,
): PayloadRead<Payload> {
  const { version, previous } = versions;
  const v = stated.safeParse(data).data?.v;
  if (previous !== undefined && v === version - 1) {
    const old = previous.payload.safeParse(data);
    if (!old.success) return { ok: false, problems: describe(old.error) };
    return checked(versions.payload.safeParse(previous.upgrade(old.data)));
  }
  if (v !== undefined && v !== version) {
    const read = previous === undefined ? `${version}` : `${version - 1} and ${version}`;
    return { ok: false, problems: `v: version ${v} is not one this worker reads (${read})` };
  }
  return checked(versions.payload.safeParse(data));
}
