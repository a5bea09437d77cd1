import { type Stringifier, stringify } from 'csv-stringify';

export type CsvWriter = Stringifier;

/** A streaming CSV writer with a fixed header; write row objects, pipe the result to an upload. */
export function createCsvWriter(columns: readonly string[]): CsvWriter {
  return stringify({ header: true, columns: [...columns], eof: true });
}
