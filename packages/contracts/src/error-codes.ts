/** Machine-readable reasons, stored on failed jobs and sent in HTTP error bodies. */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'INVALID_CSV',
  'UNKNOWN_LABEL',
  'NOT_FOUND',
  /** The input object changed (or went) after the job was submitted: it is not what the job was given. */
  'INPUT_CHANGED',
  'CONFLICT',
  'NO_MODEL',
  /** Training on human feedback found no human-verified row: none captured, none under the folder. */
  'NO_FEEDBACK',
  'MODEL_MISMATCH',
  'UNAVAILABLE',
  'TIMEOUT',
  'PAYLOAD_TOO_LARGE',
  'ENQUEUE_FAILED',
  'TRANSIENT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
