const QUOTE = 34;
const CR = 13;
const LF = 10;
const BOM = [0xef, 0xbb, 0xbf];

/** A run of whole records: bytes `start` (inclusive) to `end` (exclusive), `rows` data rows from `firstRow`. */
export interface RecordSlice {
  start: number;
  end: number;
  rows: number;
  /** The 1-based data row (the header is row 0) its first record is. */
  firstRow: number;
}

/** Where a CSV's header ends and its data rows split. No slices: the file cannot be split at a newline. */
export interface RecordPlan {
  headerEnd: number;
  /** Data rows in the file. */
  rows: number;
  slices: RecordSlice[];
}

/**
 * Finds record boundaries in a CSV's bytes without parsing fields, to split a file into slices of about
 * `rowsPerSlice` data rows that each parse on their own after the header. Quote-aware: a newline inside a
 * quoted field is no boundary (an escaped quote `""` toggles twice, so counting quotes is exact for valid
 * CSV). Records are counted as CsvParser counts them (CR, LF or CRLF ends one; blank lines are none; a
 * UTF-8 BOM is no content), so row numbers match a parse of the whole file. Slices are cut only after an
 * LF outside quotes; a header not ended by one (old Mac CR-only line ends) leaves the file unsplit.
 */
export class RecordBoundaries {
  private offset = 0;
  private inQuotes = false;
  /** The current line holds something: it is a record when it ends (else a blank line). */
  private content = false;
  private records = 0;
  private headerEnd = -1;
  private splittable = true;
  private readonly cuts: { at: number; records: number }[] = [];

  constructor(private readonly rowsPerSlice: number) {}

  push(chunk: Buffer): void {
    let i = 0;
    if (this.offset === 0 && BOM.every((byte, at) => chunk[at] === byte)) i = BOM.length;
    const n = chunk.length;
    while (i < n) {
      if (this.inQuotes) {
        // Inside quotes only the closing quote matters: jump to it.
        const quote = chunk.indexOf(QUOTE, i);
        if (quote === -1) break;
        this.inQuotes = false;
        i = quote + 1;
        continue;
      }
      const c = chunk[i] as number;
      if (c === QUOTE) {
        this.inQuotes = true;
        this.content = true;
      } else if (c === LF || c === CR) {
        if (this.content) this.records++;
        this.content = false;
        if (c === LF) this.cut(this.offset + i + 1);
      } else {
        this.content = true;
      }
      i++;
    }
    this.offset += n;
  }

  /** The input ended (a last record need not end with a newline). */
  end(): RecordPlan {
    if (this.content && !this.inQuotes) this.records++;
    this.content = false;
    const rows = Math.max(0, this.records - 1);
    const last = this.cuts.at(-1);
    if (!this.splittable || !last) return { headerEnd: this.headerEnd, rows, slices: [] };
    const bounds = [...this.cuts, { at: this.offset, records: this.records }];
    const slices: RecordSlice[] = [];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const from = bounds[k] as { at: number; records: number };
      const to = bounds[k + 1] as { at: number; records: number };
      slices.push({ start: from.at, end: to.at, rows: to.records - from.records, firstRow: from.records });
    }
    // A file ending at a cut (or in blank lines after it): those bytes join the slice before.
    if (slices.length > 1 && slices.at(-1)?.rows === 0) {
      slices.pop();
      (slices.at(-1) as RecordSlice).end = this.offset;
    }
    return { headerEnd: this.headerEnd, rows, slices };
  }

  private cut(at: number): void {
    if (!this.splittable) return;
    if (this.headerEnd === -1) {
      if (this.records === 0) return;
      // The first LF ends more than the header (CR line ends): no slice could start with a data row.
      if (this.records > 1) {
        this.splittable = false;
        return;
      }
      this.headerEnd = at;
      this.cuts.push({ at, records: 1 });
      return;
    }
    const last = this.cuts.at(-1) as { at: number; records: number };
    if (this.records - last.records >= this.rowsPerSlice) this.cuts.push({ at, records: this.records });
  }
}
