import type { ErrorCode } from '@shelfwise/contracts';

/** The job's input can never succeed as given (bad CSV, unknown labels, ...): fail at once, no retry. */
export class JobInputError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'JobInputError';
  }
}
