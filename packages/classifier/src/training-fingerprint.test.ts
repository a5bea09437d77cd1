import { describe, expect, it } from 'vitest';
import { FingerprintReader, fingerprintTexts } from './training-fingerprint';

const texts = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix} product ${i}`);

describe('training-set fingerprint', () => {
  const seen = texts('seen', 5000);
  const fingerprint = fingerprintTexts(seen);
  const reader = new FingerprintReader(fingerprint);

  it('knows every text it was built from, in any spelling that normalises alike', () => {
    expect(seen.every((t) => reader.has(t))).toBe(true);
    expect(reader.has('SEEN  Product 17!')).toBe(true);
  });

  it('calls about 0.1% of unseen texts seen, in about 1.8 bytes a text', () => {
    const unseen = texts('unseen', 20_000);
    const falsePositives = unseen.filter((t) => reader.has(t)).length;
    // Expected 20 (0.1%); far more means the hashes are not independent.
    expect(falsePositives).toBeLessThan(60);
    expect(fingerprint.bits / 8 / seen.length).toBeCloseTo(1.8, 1);
    expect(fingerprint).toMatchObject({ kind: 'bloom-sha256', texts: 5000, hashes: 10 });
  });

  it('survives JSON and refuses a truncated bit array', () => {
    const copy = new FingerprintReader(JSON.parse(JSON.stringify(fingerprint)));
    expect(copy.has(seen[42] as string)).toBe(true);
    expect(() => new FingerprintReader({ ...fingerprint, data: fingerprint.data.slice(0, 100) })).toThrow(
      /bytes/,
    );
  });
});
