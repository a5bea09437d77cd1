import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate';
import { pairedBootstrap } from './paired-bootstrap';
import { createRandom } from './random';

const random = createRandom(8);
const truth = Array.from({ length: 3000 }, () => Math.floor(random() * 3));
/** Right with probability `accuracy`, otherwise a wrong class. */
const model = (accuracy: number) =>
  truth.map((t) => (random() < accuracy ? t : (t + 1 + Math.floor(random() * 2)) % 3));

describe('pairedBootstrap', () => {
  it('gives the point figures of evaluate and a zero difference for the same predictions', () => {
    const a = model(0.9);
    const result = pairedBootstrap(truth, a, a, 3, { resamples: 200 });
    const names = ['x', 'y', 'z'];
    const m = evaluate(
      truth.map((t) => names[t] as string),
      a.map((p) => names[p] as string),
      names,
    );
    expect(result.f1.a.value).toBeCloseTo(m.f1, 10);
    expect(result.minF1.a.value).toBeCloseTo(m.minF1, 10);
    expect(result.f1.difference).toEqual({ value: 0, low: 0, high: 0 });
    expect(result.f1.a.low).toBeLessThan(m.f1);
    expect(result.f1.a.high).toBeGreaterThan(m.f1);
  });

  it('finds a clearly better model better, with an interval narrower than the two side by side', () => {
    const better = model(0.95);
    const worse = better.map((p, i) => (i % 50 === 0 && p === truth[i] ? (p + 1) % 3 : p));
    const result = pairedBootstrap(truth, better, worse, 3, { resamples: 300, seed: 2 });
    expect(result.f1.difference.low).toBeGreaterThan(0);
    expect(result.f1.aNotBetter).toBe(0);
    const width = (i: { low: number; high: number }) => i.high - i.low;
    // Unpaired, the difference's interval would be about √(wa² + wb²) wide.
    expect(width(result.f1.difference)).toBeLessThan(Math.hypot(width(result.f1.a), width(result.f1.b)) / 2);
  });
});
