// What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection"): = + - @ first, also after
// leading whitespace (spreadsheets skip spaces, tabs and the ideographic space before looking), their
// full-width forms ＝ ＋ － ＠ (spreadsheets with East Asian input fold them to ASCII), and a tab or carriage
// return first, which some spreadsheets strip.
const FORMULA = /^[\t\r]|^\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]/;
// A plain number is data, not a formula: "-3.5" or "+44" stays as it is so numeric columns keep working.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Makes a cell safe to open in a spreadsheet: a value that would start a formula gets a leading
 * apostrophe, which spreadsheets show as text and do not evaluate (OWASP's recommendation). Quoting for
 * the CSV format itself is separate (csvField).
 */
export function neutraliseFormula(value: string): string {
  if (!FORMULA.test(value) || NUMBER.test(value)) return value;
  return `'${value}`;
}
