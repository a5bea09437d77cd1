/** Machine-readable reasons, stored on failed jobs and sent in HTTP error bodies. */
export const ERROR_CODES = [
  'INVALID_REQUEST',
  'INVALID_CSV',
  'UNKNOWN_LABEL',
  'NOT_FOUND',
  'CONFLICT',
  'NO_MODEL',
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
