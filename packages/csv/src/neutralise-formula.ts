// Characters that make a spreadsheet read a cell as a formula (OWASP "CSV Injection"): = + - @, and tab
// and carriage return, which some spreadsheets strip before looking at the first character.
const TRIGGERS = new Set([61, 43, 45, 64, 9, 13]);
// A plain number is data, not a formula: "-3.5" or "+44" stays as it is so numeric columns keep working.
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Makes a cell safe to open in a spreadsheet: a value that would start a formula gets a leading
 * apostrophe, which spreadsheets show as text and do not evaluate (OWASP's recommendation). Quoting for
 * the CSV format itself is separate (csvField).
 */
export function neutraliseFormula(value: string): string {
  if (!TRIGGERS.has(value.charCodeAt(0)) || NUMBER.test(value)) return value;
  return `'${value}`;
}
