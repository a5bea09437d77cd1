import { CsvFormatError } from '@shelfwise/csv';
import type { RowProblems } from './row-problems';

/** Data rows that cannot be used as given, every one found named (the first 20 and a count). */
export class InvalidRowsError extends CsvFormatError {
  constructor(readonly problems: RowProblems) {
    const first = problems.shown[0];
    super(problems.summary(), first?.row, first?.column);
    this.name = 'InvalidRowsError';
  }
}
