import type { Readable } from 'node:stream';
import { CsvFormatError, readCsvBatches } from '@shelfwise/csv';

export const TEXT_COLUMN = 'product_description';
export const LABEL_COLUMN = 'Category';
export const HUMAN_LABEL_COLUMN = 'HUMAN_VERIFIED_Category';

/**
 * Streams the data rows of a CSV in batches (fields in header order, data row 1 first), with @shelfwise/csv's
 * reader. `onHeader` sees the header's columns before any row; a malformed row becomes a CsvFormatError
 * naming the row, and a file without a header is one too.
 */
export async function* csvBatches(
  input: Readable,
  onHeader: (columns: string[]) => void,
): AsyncGenerator<string[][]> {
  let headerSeen = false;
  try {
    yield* readCsvBatches(input, {}, ({ columns }) => {
      headerSeen = true;
      onHeader(columns);
    });
  } catch (error) {
    throw malformed(error);
  }
  if (!headerSeen) throw new CsvFormatError('the CSV is empty: it has no header row');
}

/** Index of `column` in the header, or a CsvFormatError listing the columns that are there. */
export function columnIndex(header: readonly string[], column: string): number {
  const index = header.indexOf(column);
  if (index < 0) {
    throw new CsvFormatError(`missing column ${column} (the header has: ${header.join(', ')})`, 0, column);
  }
  return index;
}

/** A data row the reader refused, in the classifier's words: `malformed CSV at data row N: …`. */
function malformed(error: unknown): unknown {
  if (!(error instanceof CsvFormatError) || !error.row) return error;
  const problem = error.message.replace(/^CSV row \d+: /, '');
  return new CsvFormatError(`malformed CSV at data row ${error.row}: ${problem}`, error.row, error.column);
}
