import { CsvFormatError } from './csv-format-error';

const COMMA = 44;
const QUOTE = 34;
const CR = 13;
const LF = 10;

enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterCr,
}

/**
 * An RFC 4180 CSV parser over decoded text chunks: quoted fields with escaped quotes and newlines, CRLF or
 * LF line ends, blank lines skipped. It scans runs of plain characters with slices instead of building
 * strings character by character, which makes it several times faster than general-purpose parsers on
 * the short rows this system reads, and it keeps state across chunk boundaries so memory stays bounded.
 */
export class CsvParser {
  private state = State.FieldStart;
  private field = '';
  private row: string[] = [];
  /** The current row has a quoted field: `""` alone on a line is a row with one empty field, not a blank line. */
  private quotedRow = false;
  /** The number of the last data row completed (the header is row 0). */
  rows: number;

  /** `firstRow`: the number of the first row parsed; without it, the first row is the header. */
  constructor(
    private readonly maxFieldLength: number,
    firstRow = 0,
  ) {
    this.rows = firstRow - 1;
  }

  /** Parses `chunk`, appending every completed row to `out`. */
  push(chunk: string, out: string[][]): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case State.FieldStart:
          if (chunk.charCodeAt(i) === QUOTE) {
            this.state = State.Quoted;
            this.quotedRow = true;
            i++;
          } else {
            this.state = State.Unquoted;
          }
          break;
        case State.Unquoted: {
          let j = i;
          let c = 0;
          while (j < n) {
            c = chunk.charCodeAt(j);
            if (c === COMMA || c === LF || c === CR) break;
            if (c === QUOTE) throw this.error('a quote inside an unquoted field (quote the whole field)');
            j++;
          }
          this.append(i === 0 && j === n ? chunk : chunk.slice(i, j));
          if (j === n) return;
          this.endField();
          i = j + 1;
          if (c === COMMA) this.state = State.FieldStart;
          else this.endRow(out, c === CR);
          break;
        }
        case State.Quoted: {
          const quote = chunk.indexOf('"', i);
          if (quote === -1) {
            this.append(chunk.slice(i));
            return;
          }
          this.append(chunk.slice(i, quote));
          i = quote + 1;
          this.state = State.QuoteInQuoted;
          break;
        }
        case State.QuoteInQuoted: {
          const c = chunk.charCodeAt(i);
          i++;
          if (c === QUOTE) {
            this.append('"');
            this.state = State.Quoted;
          } else if (c === COMMA) {
            this.endField();
            this.state = State.FieldStart;
          } else if (c === LF || c === CR) {
            this.endField();
            this.endRow(out, c === CR);
          } else {
            throw this.error('a character after the closing quote of a field');
          }
          break;
        }
        case State.AfterCr:
          if (chunk.charCodeAt(i) === LF) i++;
          this.state = State.FieldStart;
          break;
      }
    }
  }

  /** The input ended: completes the last row (a file need not end with a newline). */
  end(out: string[][]): void {
    if (this.state === State.Quoted) throw this.error('a quoted field is never closed');
    if (this.state === State.Unquoted || this.state === State.QuoteInQuoted || this.row.length > 0) {
      this.endField();
      this.endRow(out, false);
    }
  }

  private append(text: string): void {
    this.field = this.field === '' ? text : this.field + text;
    if (this.field.length > this.maxFieldLength) {
      throw this.error(`a field longer than ${this.maxFieldLength.toLocaleString()} characters`);
    }
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = '';
  }

  private endRow(out: string[][], afterCr: boolean): void {
    this.state = afterCr ? State.AfterCr : State.FieldStart;
    const row = this.row;
    this.row = [];
    const quoted = this.quotedRow;
    this.quotedRow = false;
    // A blank line is not a row (a line holding just `""` is).
    if (row.length === 1 && row[0] === '' && !quoted) return;
    this.rows++;
    out.push(row);
  }

  private error(problem: string): CsvFormatError {
    const row = this.rows + 1;
    return new CsvFormatError(`CSV row ${row}: ${problem}`, row);
  }
}
