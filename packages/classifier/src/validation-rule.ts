import { hash } from 'node:crypto';
import type { Split } from './stratified-split';

/**
 * Which rows are validation rows, as a property of each row: the first 48 bits of
 * sha256(`${seed}:${normalizeText(text)}`), read as a fraction of 2^48, are below `fraction`. A row's side
 * never changes when rows are added or removed, and equal texts (after normalisation) share a side.
 */
export interface ValidationRule {
  readonly kind: 'text-hash';
  readonly seed: number;
  readonly fraction: number;
}

export const DEFAULT_VALIDATION_RULE: ValidationRule = Object.freeze({
  kind: 'text-hash',
  seed: 42,
  fraction: 0.1,
});

const NOT_ASCII = /[\u0080-\uffff]/;
const NOT_ASCII_WORD = /[^a-z0-9]+/g;
const NOT_WORD = /[^\p{L}\p{N}\p{M}]+/u;

/**
 * The form in which two descriptions count as the same row: NFKC, lower case, words of letters, digits and
 * marks joined by one space ("Green  Tea!" and "green tea" are one row).
 */
export function normalizeText(text: string): string {
  // The same result for ASCII text (NFKC leaves it alone), without the Unicode regex's cost.
  if (!NOT_ASCII.test(text)) return text.toLowerCase().replace(NOT_ASCII_WORD, ' ').trim();
  return text
    .normalize('NFKC')
    .toLowerCase()
    .split(NOT_WORD)
    .filter((word) => word !== '')
    .join(' ');
}

export function isValidationRow(text: string, rule: ValidationRule = DEFAULT_VALIDATION_RULE): boolean {
  const digest = hash('sha256', `${rule.seed}:${normalizeText(text)}`, 'buffer');
  return digest.readUIntBE(0, 6) < rule.fraction * 2 ** 48;
}

/** Both parts keep the input order. */
export function splitByRule<T extends { text: string }>(
  examples: readonly T[],
  rule: ValidationRule = DEFAULT_VALIDATION_RULE,
): Split<T> {
  checkRule(rule);
  const train: T[] = [];
  const validation: T[] = [];
  for (const example of examples) (isValidationRow(example.text, rule) ? validation : train).push(example);
  return { train, validation };
}

export function checkRule(rule: ValidationRule): void {
  if (
    rule.kind !== 'text-hash' ||
    !Number.isInteger(rule.seed) ||
    !(rule.fraction > 0 && rule.fraction < 1)
  ) {
    throw new RangeError(
      `validation rule must be { kind: 'text-hash', seed: integer, fraction in (0, 1) }, got ${JSON.stringify(rule)}`,
    );
  }
}
