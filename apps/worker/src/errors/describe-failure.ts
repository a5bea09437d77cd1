import { FeaturizerMismatchError, ModelFormatError } from '@shelfwise/classifier';
import type { ErrorCode } from '@shelfwise/contracts';
import { CsvFormatError } from '@shelfwise/csv';
import {
  isStorageUnreachable,
  ObjectChangedError,
  ObjectNotFoundError,
  S3UriError,
} from '@shelfwise/storage';
import { JobInputError } from './job-input-error';
import { NoModelError } from './no-model-error';

export interface Failure {
  code: ErrorCode;
  message: string;
  /** True when retrying cannot help: the job fails at once. */
  permanent: boolean;
}

/** Maps any error a job throws to the reason stored on the job row; the one place this is decided. */
export function describeFailure(error: unknown): Failure {
  if (error instanceof JobInputError) return { code: error.code, message: error.message, permanent: true };
  if (error instanceof CsvFormatError)
    return { code: 'INVALID_CSV', message: error.message, permanent: true };
  if (error instanceof NoModelError) return { code: 'NO_MODEL', message: error.message, permanent: true };
  // The stored model is not one this code can serve: a retry would read the same files.
  if (error instanceof ModelFormatError || error instanceof FeaturizerMismatchError)
    return {
      code: 'MODEL_MISMATCH',
      message: `the model cannot be loaded: ${error.message}`,
      permanent: true,
    };
  // The input is not what was submitted: retrying would read other data, so the job fails at once.
  if (error instanceof ObjectChangedError)
    return { code: 'INPUT_CHANGED', message: error.message, permanent: true };
  if (error instanceof ObjectNotFoundError || error instanceof S3UriError) {
    return { code: 'NOT_FOUND', message: error.message, permanent: true };
  }
  if (isStorageUnreachable(error)) {
    // Retried with backoff like any transient failure; if it is still down, the job says what was missing.
    return {
      code: 'UNAVAILABLE',
      message: `object storage (S3) is unreachable: ${error.message}`,
      permanent: false,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'TRANSIENT', message, permanent: false };
}
