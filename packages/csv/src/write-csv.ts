import { neutraliseFormula } from './neutralise-formula';

const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, quoted only when it must be (RFC 4180). */
export const csvField = (value: string): string =>
  NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

export interface FormatCsvOptions {
  /** Files people open in a spreadsheet: cells that would start a formula are made text (OWASP). */
  neutraliseFormulas?: boolean;
}

/** Rows as CSV text, one string per batch: far cheaper than a write per row on million-row files. */
export function formatCsv(rows: readonly (readonly string[])[], options: FormatCsvOptions = {}): string {
  const cell = options.neutraliseFormulas ? (value: string) => csvField(neutraliseFormula(value)) : csvField;
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++)
      text += i === 0 ? cell(row[i] as string) : `,${cell(row[i] as string)}`;
    text += '\n';
  }
  return text;
}
