import { describe, expect, it } from 'vitest';
import { Featurizer, featurize } from './featurizer';
import { DEFAULT_FEATURIZER_SETTINGS, SUBLINEAR_FEATURIZER_SETTINGS } from './featurizer-settings';

const real = (f: { ids: Int32Array; count: number }): number[] => Array.from(f.ids.subarray(0, f.count));

describe('Featurizer', () => {
  it('is deterministic across calls and instances, and pinned to its hash', () => {
    const text = 'Organic Whole Milk, 1 gal';
    const a = featurize(text);
    const b = new Featurizer().featurize(text);
    expect(real(a)).toEqual(real(b));
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
    // Pinned: a change here means saved models no longer match this code, so the algorithm name must change.
    expect(real(featurize('tea'))).toEqual([179954, 243198, 566]);
    expect(new Featurizer().hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('normalises case, Unicode compatibility forms and punctuation', () => {
    expect(real(featurize('CRÈME Brûlée'))).toEqual(real(featurize('crème brûlée')));
    expect(real(featurize('ﬁne Ⅻ'))).toEqual(real(featurize('fine xii')));
    // ASCII text is scanned as it is and starts again at its first other char, here after three words.
    expect(real(featurize('Green TEA Bag Ⅻ'))).toEqual(real(featurize('green tea bag xii')));
    expect(real(featurize('salt & pepper, (2-pack)!'))).toEqual(real(featurize('salt pepper 2 pack')));
    expect(real(featurize('  spaced   out  '))).toEqual(real(featurize('spaced out')));
  });

  it('emits word unigrams, bigrams and character 4-grams as weighted ids in range', () => {
    const { ids, weights, count } = featurize('green tea');
    // 2 unigrams + 1 bigram, then the 4-grams of " green tea " (11 chars → 8).
    expect(count).toBe(3 + 8);
    expect(Math.max(...ids)).toBeLessThan(DEFAULT_FEATURIZER_SETTINGS.buckets);
    expect(weights.subarray(0, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(0.5, 6);
    expect(weights.subarray(0, count).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(new Set(real({ ids, count })).size).toBe(count);
  });

  it('pads with id 0 and weight 0, and truncates long texts to maxLength', () => {
    const short = featurize('tea');
    expect(short.ids.length).toBe(DEFAULT_FEATURIZER_SETTINGS.maxLength);
    expect(Array.from(short.weights.subarray(short.count)).every((w) => w === 0)).toBe(true);
    expect(Array.from(short.ids.subarray(short.count)).every((id) => id === 0)).toBe(true);
    const long = featurize('word '.repeat(500));
    expect(long.count).toBe(DEFAULT_FEATURIZER_SETTINGS.maxLength);
    expect(long.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('gives no features and no weight to empty or punctuation-only text', () => {
    for (const text of ['', '   ', '!!! ---']) {
      const f = featurize(text);
      expect(f.count).toBe(0);
      expect(f.weights.every((w) => w === 0)).toBe(true);
    }
  });

  it('reuses its buffers correctly for a long text after short ones (and back)', () => {
    const f = new Featurizer();
    const long = `${'Ünïcödé '.repeat(80)}end`;
    const before = real(f.featurize('short'));
    expect(real(f.featurize(long))).toEqual(real(new Featurizer().featurize(long)));
    expect(real(f.featurize('short'))).toEqual(before);
  });

  it('keeps every word of a text made of many one-letter words', () => {
    const f = new Featurizer({
      ...DEFAULT_FEATURIZER_SETTINGS,
      wordNgrams: [1, 1],
      charNgrams: [0, 0],
      maxLength: 512,
    });
    const { ids, count } = f.featurize('a '.repeat(120));
    expect(count).toBe(120);
    expect(new Set(ids.subarray(0, count)).size).toBe(1);
  });

  it('changes its hash with its settings and rejects invalid settings', () => {
    const other = new Featurizer({ ...DEFAULT_FEATURIZER_SETTINGS, charNgrams: [3, 5] });
    expect(other.hash).not.toBe(new Featurizer().hash);
    expect(() => new Featurizer({ ...DEFAULT_FEATURIZER_SETTINGS, buckets: 1000 })).toThrow(/power of two/);
    expect(() => new Featurizer({ ...DEFAULT_FEATURIZER_SETTINGS, wordNgrams: [2, 1] })).toThrow(
      /wordNgrams/,
    );
  });
});

describe('Featurizer, hashed-ngrams-2 (sublinear, L2 per group)', () => {
  const sublinear = new Featurizer(SUBLINEAR_FEATURIZER_SETTINGS);
  const groupNorm = (w: Float32Array, from: number, to: number) =>
    Math.sqrt(Array.from(w.subarray(from, to)).reduce((a, b) => a + b * b, 0));

  it('emits each distinct id once, weighted 1 + ln(count), with unit length per group', () => {
    const { ids, weights, count } = sublinear.featurize('tea tea tea');
    // One distinct unigram and one bigram ("tea tea", twice), then the distinct 4-grams of " tea tea tea ".
    const real = Array.from(ids.subarray(0, count));
    expect(new Set(real).size).toBe(count);
    const words = 2;
    expect(groupNorm(weights, 0, words)).toBeCloseTo(1, 6);
    expect(groupNorm(weights, words, count)).toBeCloseTo(1, 6);
    // Unigram seen 3 times, bigram twice: their weights keep the ratio (1 + ln 3) : (1 + ln 2).
    expect((weights[0] as number) / (weights[1] as number)).toBeCloseTo(
      (1 + Math.log(3)) / (1 + Math.log(2)),
      5,
    );
    const mean = featurize('tea tea tea');
    expect(mean.count).toBeGreaterThan(count);
  });

  it('featurizes from `start` exactly as it featurizes the rest of the text', () => {
    const f = new Featurizer(SUBLINEAR_FEATURIZER_SETTINGS);
    for (const [text, start] of [
      ['spices seasonings All-Seasons Salt', 17],
      ['tea Crème Brûlée ☕', 3],
      ['tea', 3],
    ] as const) {
      const ids = new Int32Array(64);
      const weights = new Float32Array(64);
      const count = f.featurizeInto(text, ids, weights, 0, start);
      const sliced = f.featurize(text.slice(start));
      expect(count).toBe(sliced.count);
      expect(Array.from(ids)).toEqual(Array.from(sliced.ids));
      expect(Array.from(weights)).toEqual(Array.from(sliced.weights));
    }
  });

  it('writes with featurizeRow the real features of featurizeInto and nothing after them', () => {
    const f = new Featurizer(SUBLINEAR_FEATURIZER_SETTINGS);
    for (const text of ['Organic Whole Milk Whole', 'Crème Brûlée ☕', '', 'x '.repeat(90)]) {
      const ids = new Int32Array(80).fill(-1);
      const weights = new Float32Array(80).fill(-1);
      const count = f.featurizeRow(text, ids, weights, 3);
      const padded = f.featurize(text);
      expect(count).toBe(padded.count);
      expect(Array.from(ids.subarray(3, 3 + count))).toEqual(real(padded));
      expect(Array.from(weights.subarray(3, 3 + count))).toEqual(
        Array.from(padded.weights.subarray(0, count)),
      );
      expect(Array.from(weights.subarray(0, 3))).toEqual([-1, -1, -1]);
    }
  });

  it('has a hash of its own, pinned to its settings, and rejects a bad pathWords', () => {
    expect(sublinear.hash).not.toBe(new Featurizer().hash);
    expect(new Featurizer({ ...SUBLINEAR_FEATURIZER_SETTINGS, pathWords: 3 }).hash).not.toBe(sublinear.hash);
    expect(new Featurizer({ ...SUBLINEAR_FEATURIZER_SETTINGS }).hash).toBe(sublinear.hash);
    expect(() => new Featurizer({ ...SUBLINEAR_FEATURIZER_SETTINGS, pathWords: -1 })).toThrow(/pathWords/);
  });

  it('gives no features to empty text', () => {
    expect(sublinear.featurize('  ').count).toBe(0);
  });
});
