import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from './stratified-split';

const examples = [
  ...Array.from({ length: 100 }, (_, i) => ({ text: `big ${i}`, label: 'big' })),
  ...Array.from({ length: 10 }, (_, i) => ({ text: `small ${i}`, label: 'small' })),
  { text: 'single', label: 'single' },
];

describe('stratifiedSplit', () => {
  it('holds out the fraction of every class, keeps singletons for training, and loses nothing', () => {
    const { train, validation } = stratifiedSplit(examples, 0.2, 42);
    const count = (set: typeof examples, label: string) => set.filter((e) => e.label === label).length;
    expect(count(validation, 'big')).toBe(20);
    expect(count(validation, 'small')).toBe(2);
    expect(count(validation, 'single')).toBe(0);
    expect(new Set([...train, ...validation])).toEqual(new Set(examples));
    expect(train.length + validation.length).toBe(examples.length);
  });

  it('repeats for a seed and differs between seeds', () => {
    const texts = (seed: number) => stratifiedSplit(examples, 0.2, seed).validation.map((e) => e.text);
    expect(texts(7)).toEqual(texts(7));
    expect(texts(7)).not.toEqual(texts(8));
  });
});
