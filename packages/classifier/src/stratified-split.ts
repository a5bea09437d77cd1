import { createRandom, shuffleInPlace } from './random';

export interface Split<T> {
  readonly train: T[];
  readonly validation: T[];
}

/**
 * Puts `fraction` of every label's examples (rounded, at least one where a label has two or more) into the
 * validation part, chosen by a seeded shuffle, so small classes are represented and the split repeats.
 * Both parts keep the input order.
 */
export function stratifiedSplit<T extends { label: string }>(
  examples: readonly T[],
  fraction: number,
  seed: number,
): Split<T> {
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`fraction must be in [0, 1), got ${fraction}`);
  const byLabel = new Map<string, number[]>();
  examples.forEach((example, index) => {
    const indices = byLabel.get(example.label);
    if (indices) indices.push(index);
    else byLabel.set(example.label, [index]);
  });
  const random = createRandom(seed);
  const inValidation = new Uint8Array(examples.length);
  for (const label of [...byLabel.keys()].sort()) {
    const indices = shuffleInPlace(byLabel.get(label) as number[], random);
    const wanted = Math.round(indices.length * fraction);
    const take =
      fraction > 0 && indices.length >= 2 ? Math.min(Math.max(wanted, 1), indices.length - 1) : wanted;
    for (let i = 0; i < take; i++) inValidation[indices[i] as number] = 1;
  }
  const train: T[] = [];
  const validation: T[] = [];
  examples.forEach((example, index) => {
    (inValidation[index] ? validation : train).push(example);
  });
  return { train, validation };
}
