import type { ErrorCode } from '@shelfwise/contracts';

/** One field (or header) of a request that was refused, and why. */
export interface FieldProblem {
  path: string;
  message: string;
}

/**
 * An error with a place in the HTTP API. Services throw these; the error handler is the one place that
 * turns them into `{error: {code, message, details}}` with their status.
 */
export abstract class ApiError extends Error {
  abstract readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}
