import { describe, expect, it } from 'vitest';
import { neutraliseFormula } from './neutralise-formula';
import { formatCsv } from './write-csv';

describe('neutraliseFormula', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","click")', `'=HYPERLINK("http://evil.example","click")`],
    ['+cmd|" /C calc"!A0', `'+cmd|" /C calc"!A0`],
    ['-2+3+cmd|" /C calc"!A0', `'-2+3+cmd|" /C calc"!A0`],
    ['@SUM(1+1)*cmd|" /C calc"!A0', `'@SUM(1+1)*cmd|" /C calc"!A0`],
    ['\t=1+1', `'\t=1+1`],
    ['\r=1+1', `'\r=1+1`],
    // Spreadsheets skip leading whitespace before deciding a cell is a formula.
    ['  =1+1', `'  =1+1`],
    [' \t@SUM(A1)', `' \t@SUM(A1)`],
    ['\u3000=1+1', `'\u3000=1+1`],
    ['\u00a0+cmd|" /C calc"!A0', `'\u00a0+cmd|" /C calc"!A0`],
    // Full-width = + - @, which East Asian spreadsheets fold to their ASCII forms.
    ['＝HYPERLINK("http://evil.example")', `'＝HYPERLINK("http://evil.example")`],
    ['＋cmd|" /C calc"!A0', `'＋cmd|" /C calc"!A0`],
    ['－2+3', `'－2+3`],
    ['＠SUM(1+1)', `'＠SUM(1+1)`],
    [' ＝1+1', `' ＝1+1`],
  ])('prefixes %j with an apostrophe', (value, safe) => {
    expect(neutraliseFormula(value)).toBe(safe);
  });

  it.each([
    'organic green tea',
    'tea = good',
    'a-b',
    '',
    '-3.5',
    '+44',
    '1e-3',
    "'already quoted",
    ' tea',
    'tea ＝ good',
  ])('leaves %j as it is', (value) => {
    expect(neutraliseFormula(value)).toBe(value);
  });
});

describe('formatCsv with neutraliseFormulas', () => {
  it('neutralises every cell, then quotes for CSV as usual', () => {
    const rows = [['=1+2', 'tea, green', '@x', '-1']];
    expect(formatCsv(rows, { neutraliseFormulas: true })).toBe(`'=1+2,"tea, green",'@x,-1\n`);
    expect(formatCsv([['=A1,"B"']], { neutraliseFormulas: true })).toBe(`"'=A1,""B"""\n`);
  });

  it('writes cells untouched without the option', () => {
    expect(formatCsv([['=1+2', '@x']])).toBe('=1+2,@x\n');
  });
});
