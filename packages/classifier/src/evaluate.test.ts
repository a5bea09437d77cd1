import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';

describe('evaluate', () => {
  // Hand-computed: class c is never predicted, so its precision, recall and F1 are 0.
  const truth = ['a', 'a', 'a', 'b', 'b', 'c'];
  const predicted = ['a', 'a', 'b', 'b', 'a', 'a'];

  it('matches hand-computed metrics, including a class with no predictions', () => {
    const m = evaluate(truth, predicted, ['a', 'b', 'c']);
    expect(m.confusionMatrix).toEqual([
      [2, 1, 0],
      [1, 1, 0],
      [1, 0, 0],
    ]);
    const [a, b, c] = m.perClass;
    expect(a?.precision).toBeCloseTo(0.5, 10);
    expect(a?.recall).toBeCloseTo(2 / 3, 10);
    expect(a?.f1).toBeCloseTo(4 / 7, 10);
    expect(b?.f1).toBeCloseTo(0.5, 10);
    expect(c).toEqual({ label: 'c', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m.accuracy).toBeCloseTo(0.5, 10);
    expect(m.precision).toBeCloseTo(2.5 / 6, 10);
    expect(m.recall).toBeCloseTo(0.5, 10);
    expect(m.f1).toBeCloseTo((3 * (4 / 7) + 2 * 0.5) / 6, 10);
    expect(m.macroF1).toBeCloseTo((4 / 7 + 0.5) / 3, 10);
    expect(m.minF1).toBe(0);
    expect(m.loss).toBeNull();
    expect(m.count).toBe(6);
  });

  it('computes the mean cross-entropy from probabilities in label order', () => {
    const m = evaluate(
      ['a', 'b'],
      ['a', 'a'],
      ['a', 'b'],
      [
        [0.5, 0.5],
        [0.75, 0.25],
      ],
    );
    expect(m.loss).toBeCloseTo(-(Math.log(0.5) + Math.log(0.25)) / 2, 10);
  });

  it('leaves classes that are neither present nor predicted out of macro and min F1', () => {
    const m = evaluate(['a', 'b'], ['a', 'b'], ['a', 'b', 'unused']);
    expect(m.macroF1).toBe(1);
    expect(m.minF1).toBe(1);
    expect(m.perClass[2]?.f1).toBe(0);
  });

  it('rejects unknown labels and mismatched lengths', () => {
    expect(() => evaluate(['a'], ['z'], ['a'])).toThrow(/"z"/);
    expect(() => evaluate(['a'], [], ['a'])).toThrow(RangeError);
  });
});
