import { CsvFormatError, MissingColumnError } from '@shelfwise/csv';
import type { RowProblem } from './csv-schema';
import { InvalidRowsError } from './invalid-rows-error';

/**
 * A CSV error in the CLI's words, which name data rows and columns as a person editing the file sees
 * them (`data row 2: column Category is empty`); the same typed errors become job failures in the
 * worker's words. Anything else is returned as it is.
 */
export function inCliWords(error: unknown): unknown {
  if (error instanceof InvalidRowsError) {
    const { shown, count } = error.problems;
    const more = count > shown.length ? ` (and ${count - shown.length} more)` : '';
    return new CsvFormatError(`${shown.map(problemInCliWords).join('; ')}${more}`, error.row, error.column);
  }
  if (error instanceof MissingColumnError) {
    const message = `missing column ${error.missing.join(', ')} (the header has: ${error.header.join(', ')})`;
    return new CsvFormatError(message, 0, error.column);
  }
  if (error instanceof CsvFormatError && error.row) {
    const problem = error.message.replace(/^CSV row \d+: /, '');
    return new CsvFormatError(`malformed CSV at data row ${error.row}: ${problem}`, error.row, error.column);
  }
  return error;
}

function problemInCliWords(problem: RowProblem): string {
  const what = problem.kind === 'empty' ? 'is empty' : `has the unknown label "${problem.value}"`;
  return `data row ${problem.row}: column ${problem.column} ${what}`;
}
