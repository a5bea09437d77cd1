import { describe, expect, it } from 'vitest';
import { labelledProducts } from './labelled-products';

// What the tests that train on these rows rely on (their quality assertions run the real trainer on them).
describe('labelledProducts', () => {
  const rows = labelledProducts(2_000);

  it('repeats for a seed and differs for another', () => {
    expect(labelledProducts(50)).toEqual(rows.slice(0, 50));
    const other = labelledProducts(50, 2);
    expect(other.filter((row, i) => row.text === rows[i]?.text).length).toBeLessThan(5);
  });

  it('has the five categories of the real set, imbalanced like it', () => {
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(row.label, (counts.get(row.label) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([
      'Beverages',
      'Dry Goods & Pantry Staples',
      'Fresh & Perishable Items',
      'Household & Personal Care',
      'Specialty & Miscellaneous',
    ]);
    expect(counts.get('Dry Goods & Pantry Staples')).toBeGreaterThan(
      4 * (counts.get('Specialty & Miscellaneous') ?? 0),
    );
  });

  it('has aisle prefixes, commas to quote, and nothing a CSV writer would rewrite', () => {
    const prefixed = rows.filter((row) => /^[a-z]/.test(row.text)).length / rows.length;
    expect(prefixed).toBeGreaterThan(0.4);
    expect(prefixed).toBeLessThan(0.7);
    expect(rows.filter((row) => row.text.includes(',')).length).toBeGreaterThan(50);
    // No quote characters and no formula-like first character: tests compare output lines with the input.
    expect(rows.filter((row) => /"/.test(row.text) || /^[=+\-@\t\r]/.test(row.text))).toEqual([]);
    expect(new Set(rows.map((row) => row.text)).size).toBeGreaterThan(1_000);
  });
});
