import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { CsvFormatError } from './csv-format-error';

export const TEXT_COLUMN = 'product_description';
export const LABEL_COLUMN = 'Category';
export const HUMAN_LABEL_COLUMN = 'HUMAN_VERIFIED_Category';

export interface CsvRecord {
  readonly values: string[];
  /** 0 for the header, then 1-based data rows. */
  readonly row: number;
}

/** Streams the records of a CSV, the header first; malformed CSV becomes a CsvFormatError naming the row. */
export async function* csvRecords(input: Readable): AsyncGenerator<CsvRecord> {
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true }));
  input.on('error', (error) => parser.destroy(error));
  let row = 0;
  try {
    for await (const values of parser as AsyncIterable<string[]>) yield { values, row: row++ };
  } catch (error) {
    if (error instanceof CsvError) {
      throw new CsvFormatError(`malformed CSV at data row ${row}: ${error.message}`, row, null);
    }
    throw error;
  }
  if (row === 0) throw new CsvFormatError('the CSV is empty: it has no header row', null, null);
}

/** Index of `column` in the header, or a CsvFormatError listing the columns that are there. */
export function columnIndex(header: readonly string[], column: string): number {
  const index = header.indexOf(column);
  if (index < 0) {
    throw new CsvFormatError(`missing column ${column} (the header has: ${header.join(', ')})`, 0, column);
  }
  return index;
}
