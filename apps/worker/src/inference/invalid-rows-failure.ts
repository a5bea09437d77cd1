import type { InvalidRowsError } from '@shelfwise/classifier';
import { JobInputError } from '../errors/job-input-error';

/** A predict job's invalid rows as its failure: every row named, and the labels the model knows. */
export function invalidRowsFailure(
  error: InvalidRowsError,
  inputUri: string,
  labels: readonly string[],
): JobInputError {
  return new JobInputError(
    error.problems.unknownLabels ? 'UNKNOWN_LABEL' : 'INVALID_CSV',
    `${inputUri}: ${error.message} (known labels: ${labels.join(', ')})`,
  );
}
