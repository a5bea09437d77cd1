import { describe, expect, it } from 'vitest';
import { syntheticCatalogue } from '../test/synthetic-examples';
import { createRandom } from './random';
import { DEFAULT_VALIDATION_RULE, isValidationRow, normalizeText, splitByRule } from './validation-rule';

/** Distinct descriptions in classes of very different sizes. */
function catalogue(): { text: string; label: string }[] {
  const random = createRandom(3);
  const sizes: Record<string, number> = { big: 6000, middle: 2500, small: 600 };
  return Object.entries(sizes).flatMap(([label, n]) =>
    Array.from({ length: n }, (_, i) => ({
      text: `${label} item ${i} ${random().toString(36).slice(2, 8)}`,
      label,
    })),
  );
}

describe('validation rule', () => {
  it('normalises case, Unicode forms, punctuation and spacing, the same way for ASCII and other text', () => {
    expect(normalizeText('  Green  TEA, 12-oz!')).toBe('green tea 12 oz');
    expect(normalizeText('ﬁne Crème—Brûlée')).toBe('fine crème brûlée');
    for (const text of ['Green Tea', 'a_b c-d', '  x  ', '', '!!!'])
      expect(normalizeText(text)).toBe(normalizeText(`${text}é`).replace(/ ?é$/, ''));
  });

  it('puts about the fraction of every class into validation', () => {
    const rows = catalogue();
    const { validation } = splitByRule(rows);
    for (const label of ['big', 'middle', 'small']) {
      const n = rows.filter((r) => r.label === label).length;
      const share = validation.filter((r) => r.label === label).length / n;
      // Four standard deviations of a binomial share: fails only if the hash is not uniform.
      expect(Math.abs(share - 0.1), label).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / n));
    }
  });

  it('never moves a row when rows are added, and treats equal normalised texts alike', () => {
    const rows = catalogue();
    const before = new Set(splitByRule(rows.slice(0, 3000)).validation.map((r) => r.text));
    const after = splitByRule([...syntheticCatalogue(2000, 9), ...rows]).validation.map((r) => r.text);
    const stillThere = after.filter((text) => rows.slice(0, 3000).some((r) => r.text === text));
    expect(new Set(stillThere)).toEqual(before);
    const text = rows.find((r) => isValidationRow(r.text))?.text as string;
    expect(isValidationRow(`  ${text.toUpperCase()}!`)).toBe(true);
  });

  it('depends on the seed and checks the rule', () => {
    const rows = catalogue().slice(0, 2000);
    const picked = (seed: number) => splitByRule(rows, { ...DEFAULT_VALIDATION_RULE, seed }).validation;
    expect(picked(1)).not.toEqual(picked(2));
    expect(picked(1)).toEqual(picked(1));
    expect(() => splitByRule(rows, { ...DEFAULT_VALIDATION_RULE, fraction: 1 })).toThrow(/fraction/);
  });
});
