const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field, quoted only when it must be (RFC 4180). */
export const csvField = (value: string): string =>
  NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/** Rows as CSV text, one string per batch: far cheaper than a write per row on million-row files. */
export function formatCsv(rows: readonly (readonly string[])[]): string {
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++)
      text += i === 0 ? csvField(row[i] as string) : `,${csvField(row[i] as string)}`;
    text += '\n';
  }
  return text;
}
