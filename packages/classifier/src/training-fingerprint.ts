import { hash } from 'node:crypto';
import type { TimeSlicer } from './time-slicer';
import { normalizeText } from './validation-rule';

/**
 * A Bloom filter of the normalised texts a model was fitted on: `has` is true for every one of them and,
 * for a text it never saw, true only with about the false-positive rate it was built for (0.1%: 14.4 bits,
 * 1.8 bytes, a text). A false positive only ever calls an unseen row seen, which leaves it out of an
 * "unseen" comparison; a seen row is never called unseen.
 */
export interface TrainingFingerprint {
  readonly kind: 'bloom-sha256';
  /** Texts added (repeats included). */
  readonly texts: number;
  readonly bits: number;
  readonly hashes: number;
  /** The bit array, base64; bit i is bit (i & 7) of byte (i >> 3). */
  readonly data: string;
}

export const DEFAULT_FINGERPRINT_FALSE_POSITIVE_RATE = 0.001;

/**
 * Bit positions (h1 + i·h2) mod bits, i < hashes, from sha256(normalised text): h1 and h2 are its first two
 * big-endian 32-bit words (h2 made odd), the double hashing of Kirsch and Mitzenmacher.
 */
function positions(text: string, bits: number, hashes: number, into: number[]): number[] {
  const digest = hash('sha256', normalizeText(text), 'buffer');
  const h1 = digest.readUInt32BE(0);
  const h2 = (digest.readUInt32BE(4) | 1) >>> 0;
  into.length = hashes;
  for (let i = 0; i < hashes; i++) into[i] = (h1 + i * h2) % bits;
  return into;
}

/** Sized for `capacity` texts at the given false-positive rate; add them one by one, then `build`. */
export class FingerprintBuilder {
  readonly #bits: number;
  readonly #hashes: number;
  readonly #array: Uint8Array;
  readonly #scratch: number[] = [];
  #texts = 0;

  constructor(capacity: number, falsePositiveRate = DEFAULT_FINGERPRINT_FALSE_POSITIVE_RATE) {
    if (!(falsePositiveRate > 0 && falsePositiveRate < 1))
      throw new RangeError(`falsePositiveRate must be in (0, 1), got ${falsePositiveRate}`);
    const n = Math.max(1, capacity);
    this.#bits = Math.max(64, Math.ceil((-n * Math.log(falsePositiveRate)) / Math.LN2 ** 2));
    this.#hashes = Math.max(1, Math.round((this.#bits / n) * Math.LN2));
    this.#array = new Uint8Array(Math.ceil(this.#bits / 8));
  }

  add(text: string): void {
    const array = this.#array;
    for (const p of positions(text, this.#bits, this.#hashes, this.#scratch))
      array[p >> 3] = (array[p >> 3] as number) | (1 << (p & 7));
    this.#texts++;
  }

  build(): TrainingFingerprint {
    return {
      kind: 'bloom-sha256',
      texts: this.#texts,
      bits: this.#bits,
      hashes: this.#hashes,
      data: Buffer.from(this.#array).toString('base64'),
    };
  }
}

export function fingerprintTexts(texts: readonly string[], falsePositiveRate?: number): TrainingFingerprint {
  const builder = new FingerprintBuilder(texts.length, falsePositiveRate);
  for (const text of texts) builder.add(text);
  return builder.build();
}

/** A fingerprint decoded once, for many lookups. */
export class FingerprintReader {
  readonly #array: Uint8Array;
  readonly #scratch: number[] = [];

  constructor(readonly fingerprint: TrainingFingerprint) {
    if (fingerprint.kind !== 'bloom-sha256')
      throw new RangeError(`unknown fingerprint kind ${JSON.stringify(fingerprint.kind)}`);
    this.#array = Buffer.from(fingerprint.data, 'base64');
    const expected = Math.ceil(fingerprint.bits / 8);
    if (this.#array.length !== expected)
      throw new RangeError(`fingerprint has ${this.#array.length} bytes, expected ${expected}`);
  }

  has(text: string): boolean {
    const { bits, hashes } = this.fingerprint;
    for (const p of positions(text, bits, hashes, this.#scratch)) {
      if (((this.#array[p >> 3] as number) & (1 << (p & 7))) === 0) return false;
    }
    return true;
  }
}

/** The fingerprint of the examples' texts, built in time slices (sha256 of 45,000 texts takes ~0.1 s). */
export async function fingerprintInSlices(
  examples: readonly { text: string }[],
  slicer: TimeSlicer,
): Promise<TrainingFingerprint> {
  const builder = new FingerprintBuilder(examples.length);
  for (let i = 0; i < examples.length; i++) {
    if ((i & 255) === 255) await slicer.tick();
    builder.add((examples[i] as { text: string }).text);
  }
  return builder.build();
}
