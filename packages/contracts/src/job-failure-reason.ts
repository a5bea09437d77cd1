import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './error-codes';

/** Why a job without a MySQL row (an online prediction) failed: what its waiting caller needs to answer. */
export interface JobFailure {
  code: ErrorCode;
  message: string;
}

const jobFailure = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

/**
 * BullMQ carries a failed job's reason as one string: the worker writes the failure as JSON there, so the
 * code crosses the queue as data and no caller parses message prefixes.
 */
export const jobFailureReason = (failure: JobFailure): string =>
  JSON.stringify({ code: failure.code, message: failure.message });

/** The failure a worker wrote with `jobFailureReason`; undefined for any other reason (a transient error). */
export function readJobFailureReason(reason: string): JobFailure | undefined {
  try {
    const parsed = jobFailure.safeParse(JSON.parse(reason));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
