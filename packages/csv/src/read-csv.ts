import type { Readable } from 'node:stream';
import { TextDecoder } from 'node:util';
import { clipText } from './clip-text';
import { CsvFormatError } from './csv-format-error';
import { CsvParser } from './csv-parser';
import { MissingColumnError } from './missing-column-error';
import { incompleteUtf8Tail, invalidUtf8Offset } from './utf8-scan';

export interface CsvReadOptions {
  /** Columns that must be in the header; their absence fails before any row is read. */
  required?: readonly string[];
  /** Largest accepted field, in characters: a runaway line must not take the worker's memory. */
  maxFieldLength?: number;
  /**
   * A slice of a file (a byte range starting at a row): the file's header, which the slice does not
   * repeat, and the data row number of the slice's first row, so that errors name rows of the whole file.
   */
  slice?: { header: readonly string[]; firstRow: number };
}

export interface CsvHeader {
  columns: string[];
}

export type CsvRow = Record<string, string>;

/**
 * Streams a CSV as batches of rows (arrays in header order), bounded memory. The header is checked and
 * handed to `onHeader` first: duplicated or missing required columns fail naming them. Handles a UTF-8
 * BOM, CRLF and quoted newlines; invalid UTF-8, NUL bytes and rows with the wrong number of fields fail
 * naming the row.
 */
export async function* readCsvBatches(
  input: Readable,
  options: CsvReadOptions = {},
  onHeader?: (header: CsvHeader) => void,
): AsyncGenerator<string[][]> {
  const parser = new CsvParser(options.maxFieldLength ?? 1_000_000, options.slice?.firstRow);
  // fatal: invalid UTF-8 is an error naming the row, never silently replaced characters.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let columns: string[] | undefined;
  let rows: string[][] = [];
  const check = (): string[][] => {
    let batch = rows;
    rows = [];
    if (!columns && options.slice) {
      columns = checkHeader([...options.slice.header], options.required ?? []);
      onHeader?.({ columns });
    }
    if (!columns) {
      const header = batch[0];
      if (!header) return [];
      columns = checkHeader(header, options.required ?? []);
      onHeader?.({ columns });
      batch = batch.slice(1);
    }
    for (let i = 0; i < batch.length; i++) {
      const fields = (batch[i] as string[]).length;
      if (fields !== columns.length) {
        const row = parser.rows - batch.length + i + 1;
        throw new CsvFormatError(
          `CSV row ${row}: ${fields} fields, but the header has ${columns.length}`,
          row,
        );
      }
    }
    return batch;
  };
  let previous: Buffer | undefined;
  try {
    for await (const chunk of input) {
      // Streams of text (tests, generated input) need no decoding; S3 gives bytes.
      let text: string;
      if (typeof chunk === 'string') text = chunk;
      else {
        try {
          text = decoder.decode(chunk as Buffer, { stream: true });
        } catch {
          throw invalidUtf8(parser, rows, previous, chunk as Buffer);
        }
        previous = chunk as Buffer;
      }
      // NUL is no text: a binary file, or UTF-16 read as UTF-8. Checked per chunk (one native scan).
      const nul = text.indexOf('\0');
      if (nul !== -1) {
        parser.push(text.slice(0, nul), rows);
        const row = parser.rows + 1;
        throw new CsvFormatError(`CSV row ${row}: a NUL byte (a binary file, or UTF-16 text?)`, row);
      }
      parser.push(text, rows);
      const batch = check();
      if (batch.length > 0) yield batch;
    }
    parser.push(decode(decoder, undefined, parser.rows + 1, false), rows);
    parser.end(rows);
    const batch = check();
    if (batch.length > 0) yield batch;
  } finally {
    // A reader that stops early must not leave the source (an S3 connection) open.
    input.destroy();
  }
}

/** Row objects keyed by header, for callers that prefer names over positions. */
export async function* readCsv(
  input: Readable,
  options: CsvReadOptions = {},
  onHeader?: (header: CsvHeader) => void,
): AsyncGenerator<CsvRow> {
  let columns: string[] = [];
  for await (const batch of readCsvBatches(input, options, (header) => {
    columns = header.columns;
    onHeader?.(header);
  })) {
    for (const fields of batch) {
      const row: CsvRow = {};
      for (let i = 0; i < columns.length; i++) row[columns[i] as string] = fields[i] as string;
      yield row;
    }
  }
}

/**
 * The decoder refused a chunk: find the bad byte, parse the text before it (completing the rows it ends),
 * and name the row it is in. A problem in that text is earlier in the file, so its error wins.
 */
function invalidUtf8(
  parser: CsvParser,
  out: string[][],
  previous: Buffer | undefined,
  chunk: Buffer,
): CsvFormatError {
  // The decoder held back the incomplete sequence that ended the previous chunk: it belongs to this one.
  const bytes = Buffer.concat([previous ? incompleteUtf8Tail(previous) : new Uint8Array(0), chunk]);
  const offset = invalidUtf8Offset(bytes);
  if (offset > 0) parser.push(bytes.subarray(0, offset).toString('utf8'), out);
  const row = parser.rows + 1;
  return new CsvFormatError(`CSV row ${row}: the file is not valid UTF-8`, row);
}

function decode(decoder: TextDecoder, chunk: Buffer | undefined, row: number, stream: boolean): string {
  try {
    return decoder.decode(chunk, { stream });
  } catch {
    throw new CsvFormatError(`CSV row ${row}: the file is not valid UTF-8`, row);
  }
}

function checkHeader(header: string[], required: readonly string[]): string[] {
  const columns = header.map((name) => name.trim());
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name))
      throw new CsvFormatError(`column "${clipText(name)}" appears more than once in the header`, 0, name);
    seen.add(name);
  }
  const missing = required.filter((name) => !seen.has(name));
  if (missing.length > 0) throw new MissingColumnError(missing, columns);
  return columns;
}
