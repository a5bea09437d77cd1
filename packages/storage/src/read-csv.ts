import type { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { CsvFormatError } from './csv-format-error';

export interface CsvReadOptions {
  /** Columns that must be in the header; their absence fails before any row is read. */
  required?: readonly string[];
  /** Largest accepted field, in characters: a runaway line must not take the worker's memory. */
  maxFieldLength?: number;
}

export interface CsvHeader {
  columns: string[];
}

export type CsvRow = Record<string, string>;

/**
 * Streams rows as objects keyed by header, one at a time (bounded memory). The header is checked first:
 * duplicated or missing required columns fail with a message naming them. Quoted newlines, CRLF and a
 * UTF-8 BOM are handled; a row with the wrong number of fields fails naming its row number.
 */
export async function* readCsv(
  input: Readable,
  options: CsvReadOptions = {},
  onHeader?: (header: CsvHeader) => void,
): AsyncGenerator<CsvRow> {
  const parser = input.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const columns = checkHeader(header, options.required ?? []);
        onHeader?.({ columns });
        return columns;
      },
      skip_empty_lines: true,
      max_record_size: options.maxFieldLength ?? 1_000_000,
      encoding: 'utf8',
    }),
  );
  // A failing source (e.g. S3 connection reset) must reject the iteration, not hang it; and a reader
  // that stops early must not leave the source (an S3 connection) open.
  input.once('error', (error) => parser.destroy(error));
  parser.once('close', () => input.destroy());
  try {
    for await (const record of parser as AsyncIterable<CsvRow>) yield record;
  } catch (error) {
    throw translate(error);
  }
}

function checkHeader(header: string[], required: readonly string[]): string[] {
  const columns = header.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name))
      throw new CsvFormatError(`column "${name}" appears more than once in the header`, 0, name);
    seen.add(name);
  }
  const missing = required.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new CsvFormatError(
      `missing required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} (header: ${columns.join(', ')})`,
      0,
      missing[0],
    );
  }
  return columns;
}

function translate(error: unknown): unknown {
  if (error instanceof CsvFormatError) return error;
  if (error instanceof CsvError) {
    // csv-parse counts lines from 1 including the header; data rows are 1-based after it.
    const row = typeof error.records === 'number' ? error.records + 1 : undefined;
    return new CsvFormatError(`CSV row ${row ?? '?'}: ${error.message}`, row);
  }
  return error;
}
