import { createHash } from 'node:crypto';
import { DEFAULT_FEATURIZER_SETTINGS, type FeaturizerSettings } from './featurizer-settings';
import { PathTable } from './path-table';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// A leading tag byte keeps the word "abc" and the character trigram "abc" in different buckets.
const TAG_WORDS = 0x01;
const TAG_CHARS = 0x02;
const WORD_HASH_START = Math.imul(FNV_OFFSET ^ TAG_WORDS, FNV_PRIME);
const CHAR_HASH_START = Math.imul(FNV_OFFSET ^ TAG_CHARS, FNV_PRIME);
const SPACE = 0x20;
/** fastText's multiplier for chaining word hashes into n-gram hashes. */
const WORD_CHAIN = 116049371;
/** Mixed into the settings hash so a change in what the code emits changes the hash, even without a version bump. */
const PROBE_TEXT = 'Crème Brûlée 2× ﬁne-Cut TEA, 12oz — 🍵 "Naïve" Ⅻ';
/** Also mixed in for `hashed-ngrams-2`: repeats (merged, sublinear tf), truncation and category paths. */
const PROBE_REPEATS = ['tea Tea TEA green tea', `${'green tea bag '.repeat(12)}Crème Brûlée`];
const PROBE_PATHS = [{ path: 'spices seasonings' }, { path: 'spices' }, { path: 'tea' }];
const PROBE_PATH_TEXTS = ['spices seasonings All-Seasons Salt', ' tea  green tea', 'spices Tea', 'Tea tea'];

export interface Features {
  readonly ids: Int32Array;
  readonly weights: Float32Array;
  /** How many leading entries are real features; the rest is padding (id 0, weight 0). */
  readonly count: number;
}

/**
 * Turns text into hashed n-gram ids and weights. Built for throughput: a few passes over char codes, FNV-1a
 * over UTF-8 bytes fed incrementally (no per-n-gram strings), and scratch buffers reused across texts.
 * `hashed-ngrams-1` emits every occurrence, each group (words, characters) carrying half of the weight;
 * `hashed-ngrams-2` emits each distinct id once, weighted 1 + ln(count), L2-normalised per group.
 */
export class Featurizer {
  readonly settings: FeaturizerSettings;
  /** sha256 over the settings and the features of probe texts: equal hashes mean equal behaviour. */
  readonly hash: string;
  readonly #asciiMap = new Int32Array(128);
  readonly #wordCharCache = new Map<number, boolean>();
  // Sized as #grow sizes them: a text of n chars has at most n/2 + 1 words.
  #codes = new Int32Array(256);
  #wordHash = new Int32Array(129);
  #wordCount = 0;
  /** 32 − log2(buckets): the bucket is the top bits of the mixed hash. */
  readonly #bucketShift: number;
  // The n-gram ranges as plain numbers: reading them from the settings' arrays costs measurable time per text.
  readonly #minWords: number;
  readonly #maxWords: number;
  readonly #minChars: number;
  readonly #maxChars: number;
  /**
   * `hashed-ngrams-2`: repeats are merged. `#stamps[id & 1023] === #group` marks ids (almost always one)
   * seen in the current group, so a new group needs no clearing.
   */
  readonly #distinct: boolean;
  readonly #stamps = new Int32Array(1024);
  #group = 0;
  #wordFeatures = 0;

  constructor(settings: FeaturizerSettings = DEFAULT_FEATURIZER_SETTINGS) {
    validateSettings(settings);
    this.settings = settings;
    this.#bucketShift = 32 - Math.log2(settings.buckets);
    this.#minWords = settings.wordNgrams[0];
    this.#maxWords = settings.wordNgrams[1];
    this.#minChars = settings.charNgrams[0];
    this.#maxChars = settings.charNgrams[1];
    this.#distinct = settings.algorithm === 'hashed-ngrams-2';
    for (let c = 0; c < 128; c++) this.#asciiMap[c] = this.#isWordChar(c) ? c : 0;
    if (settings.lowercase) for (let c = 65; c <= 90; c++) this.#asciiMap[c] = c + 32;
    const hash = createHash('sha256').update(JSON.stringify(canonicalSettings(settings)));
    const probe = (text: string): void => {
      // A copy, not the literal: V8's feedback for charCodeAt on internalised (literal) strings would slow
      // every later call down (measured: 2 µs a text instead of 1).
      const features = this.featurize(Buffer.from(text).toString());
      hash.update(new Uint8Array(features.ids.buffer)).update(new Uint8Array(features.weights.buffer));
    };
    probe(PROBE_TEXT);
    if (settings.algorithm === 'hashed-ngrams-2') {
      for (const text of PROBE_REPEATS) probe(text);
      const paths = new PathTable(PROBE_PATHS, settings.pathWords);
      for (const text of PROBE_PATH_TEXTS) {
        const { row, end } = paths.match(text);
        hash.update(`${row}:${end}`);
        probe(text.slice(end));
      }
    }
    this.hash = hash.digest('hex');
  }

  featurize(text: string): Features {
    const ids = new Int32Array(this.settings.maxLength);
    const weights = new Float32Array(this.settings.maxLength);
    const count = this.featurizeInto(text, ids, weights, 0);
    return { ids, weights, count };
  }

  /**
   * Writes `maxLength` ids and weights for `text` (from index `start`: a category path before it is left
   * out without a copy of the rest) at `offset`; padding gets id 0 and weight 0. Returns the number of real
   * features.
   */
  featurizeInto(text: string, ids: Int32Array, weights: Float32Array, offset: number, start = 0): number {
    const count = this.featurizeRow(text, ids, weights, offset, start);
    const end = offset + this.settings.maxLength;
    ids.fill(0, offset + count, end);
    weights.fill(0, offset + count, end);
    return count;
  }

  /**
   * Like `featurizeInto` without the padding: writes only the real features and returns how many. The
   * arrays still need room for `maxLength` entries from `offset` (the scan writes before it truncates).
   */
  featurizeRow(text: string, ids: Int32Array, weights: Float32Array, offset: number, start = 0): number {
    const length = this.#normalize(text, start);
    let count = this.#emit(length, ids, offset, this.settings.maxLength);
    const wordFeatures = this.#wordFeatures;
    if (this.#distinct) {
      // Repeats are rare in product names, so they are merged after the fact, in place.
      const words = this.#merge(ids, weights, offset, 0, wordFeatures, 0);
      const distinct = this.#merge(ids, weights, offset, wordFeatures, count, words);
      sublinearUnitLength(weights, offset, offset + words, words < wordFeatures);
      sublinearUnitLength(
        weights,
        offset + words,
        offset + distinct,
        distinct - words < count - wordFeatures,
      );
      count = distinct;
    } else if (wordFeatures > 0 && count > wordFeatures) {
      // Word n-grams and character n-grams each carry half of the weight when both are present: character
      // n-grams outnumber words about four to one and would otherwise drown the words (measured: +0.003 F1).
      weights.fill(0.5 / wordFeatures, offset, offset + wordFeatures);
      weights.fill(0.5 / (count - wordFeatures), offset + wordFeatures, offset + count);
    } else if (count > 0) {
      weights.fill(1 / count, offset, offset + count);
    }
    return count;
  }

  /**
   * Writes the ids of the normalised text's word n-grams, then of its character n-grams, into `out` from
   * `offset`, at most `limit` of them; sets `#wordFeatures` and returns the count.
   */
  #emit(length: number, out: Int32Array, offset: number, limit: number): number {
    const shift = this.#bucketShift;
    const codes = this.#codes;
    const words = this.#wordCount;
    const wordHash = this.#wordHash;
    let count = 0;
    for (let order = this.#minWords; order <= this.#maxWords && order > 0; order++) {
      for (let w = 0; w + order <= words && count < limit; w++) {
        // Longer n-grams chain the words' hashes (as fastText does) instead of hashing their bytes again.
        let h = wordHash[w] as number;
        for (let k = 1; k < order; k++) h = (Math.imul(h, WORD_CHAIN) + (wordHash[w + k] as number)) | 0;
        out[offset + count++] = bucketOf(h ^ order, shift);
      }
    }
    this.#wordFeatures = count;
    const minChars = this.#minChars;
    const maxChars = this.#maxChars;
    if (minChars > 0 && words > 0) {
      const lastStart = length - minChars;
      for (let start = 0; start <= lastStart && count < limit; start++) {
        let h = CHAR_HASH_START;
        let i = start;
        const first = start + minChars;
        for (; i < first; i++) {
          const c = codes[i] as number;
          h = c < 0x80 ? Math.imul(h ^ c, FNV_PRIME) : feedCodePoint(h, c);
        }
        out[offset + count++] = bucketOf(h, shift);
        // One length (the defaults' 4-grams): no longer n-grams from this start (measured: 3-6% faster).
        if (maxChars === minChars) continue;
        const stop = Math.min(start + maxChars, length);
        for (; i < stop && count < limit; i++) {
          const c = codes[i] as number;
          h = c < 0x80 ? Math.imul(h ^ c, FNV_PRIME) : feedCodePoint(h, c);
          out[offset + count++] = bucketOf(h, shift);
        }
      }
    }
    return count;
  }

  /**
   * Moves the distinct ids of `ids[offset + from .. offset + to)` to `offset + into` onwards, each with its
   * number of occurrences in `weights`; returns the end of the distinct ids. The stamps answer "new" for
   * almost every id; only a stamped slot is looked up among the ids kept so far.
   */
  #merge(
    ids: Int32Array,
    weights: Float32Array,
    offset: number,
    from: number,
    to: number,
    into: number,
  ): number {
    const stamps = this.#stamps;
    // A stamp left from 2^32 groups ago only costs a look among the ids kept.
    const group = (this.#group + 1) | 0;
    this.#group = group;
    let n = into;
    for (let i = from; i < to; i++) {
      const id = ids[offset + i] as number;
      const slot = id & 1023;
      if (stamps[slot] === group) {
        let j = into;
        while (j < n && ids[offset + j] !== id) j++;
        if (j < n) {
          weights[offset + j] = (weights[offset + j] as number) + 1;
          continue;
        }
      }
      stamps[slot] = group;
      ids[offset + n] = id;
      weights[offset + n] = 1;
      n++;
    }
    return n;
  }

  /**
   * Fills `#codes` with the normalised code points: a space, then the words separated by single spaces,
   * then a space. ASCII text takes a table lookup per char; other text is first normalised as a whole.
   */
  #normalize(text: string, start: number): number {
    if (this.#codes.length < text.length - start + 2) this.#grow(text.length - start + 2);
    // Most texts are ASCII: scanned as they are, without a pass to check that first.
    const length = this.#scan(text, start, true);
    if (length > 0) return length;
    const s = this.#prepareUnicode(start > 0 ? text.slice(start) : text);
    if (this.#codes.length < s.length + 2) this.#grow(s.length + 2);
    return this.#scan(s, 0, false);
  }

  /**
   * The scan of #normalize from `start`. With `asciiOnly` it returns 0 (no normalised text is that short)
   * at the first char beyond ASCII, so that the caller can normalise the text as a whole first.
   */
  #scan(s: string, start: number, asciiOnly: boolean): number {
    // Locals rather than fields in the loop: V8 then keeps them in registers.
    const codes = this.#codes;
    const asciiMap = this.#asciiMap;
    const wordHash = this.#wordHash;
    let length = 1;
    let words = 0;
    let inWord = false;
    // Each word's FNV-1a hash is built during the scan, so word n-grams need no second pass.
    let hash = 0;
    codes[0] = SPACE;
    for (let i = start; i < s.length; i++) {
      let code = s.charCodeAt(i);
      let mapped: number;
      if (code < 128) {
        mapped = asciiMap[code] as number;
      } else {
        if (asciiOnly) return 0;
        if (code >= 0xd800 && code < 0xdc00 && i + 1 < s.length) {
          const low = s.charCodeAt(i + 1);
          if (low >= 0xdc00 && low < 0xe000) {
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
            i++;
          }
        }
        mapped = this.#isWordChar(code) ? code : 0;
      }
      if (mapped === 0) {
        if (inWord) {
          wordHash[words++] = hash;
          codes[length++] = SPACE;
          inWord = false;
        }
      } else {
        if (!inWord) {
          hash = WORD_HASH_START;
          inWord = true;
        }
        hash = mapped < 0x80 ? Math.imul(hash ^ mapped, FNV_PRIME) : feedCodePoint(hash, mapped);
        codes[length++] = mapped;
      }
    }
    if (inWord) {
      wordHash[words++] = hash;
      codes[length++] = SPACE;
    }
    this.#wordCount = words;
    return length;
  }

  /** NFKC and case mapping work on whole strings (they may change the length), so they run before the scan. */
  #prepareUnicode(text: string): string {
    const normalized = this.settings.unicodeNormalization === 'NFKC' ? text.normalize('NFKC') : text;
    return this.settings.lowercase ? normalized.toLowerCase() : normalized;
  }

  #grow(size: number): void {
    this.#codes = new Int32Array(size * 2);
    this.#wordHash = new Int32Array(size + 1);
  }

  #isWordChar(code: number): boolean {
    let known = this.#wordCharCache.get(code);
    if (known === undefined) {
      const char = String.fromCodePoint(code);
      known = this.settings.punctuation === 'split' ? /[\p{L}\p{N}\p{M}]/u.test(char) : !/\s/u.test(char);
      this.#wordCharCache.set(code, known);
    }
    return known;
  }
}

const defaultFeaturizer = new Featurizer();

/** Features of one text under the default settings. */
export function featurize(text: string): Features {
  return defaultFeaturizer.featurize(text);
}

/** Feeds the UTF-8 bytes of one code point into an FNV-1a state. */
function feedCodePoint(h: number, code: number): number {
  if (code < 0x80) return Math.imul(h ^ code, FNV_PRIME);
  if (code < 0x800) {
    const h1 = Math.imul(h ^ (0xc0 | (code >> 6)), FNV_PRIME);
    return Math.imul(h1 ^ (0x80 | (code & 0x3f)), FNV_PRIME);
  }
  if (code < 0x10000) {
    const h1 = Math.imul(h ^ (0xe0 | (code >> 12)), FNV_PRIME);
    const h2 = Math.imul(h1 ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
    return Math.imul(h2 ^ (0x80 | (code & 0x3f)), FNV_PRIME);
  }
  const h1 = Math.imul(h ^ (0xf0 | (code >> 18)), FNV_PRIME);
  const h2 = Math.imul(h1 ^ (0x80 | ((code >> 12) & 0x3f)), FNV_PRIME);
  const h3 = Math.imul(h2 ^ (0x80 | ((code >> 6) & 0x3f)), FNV_PRIME);
  return Math.imul(h3 ^ (0x80 | (code & 0x3f)), FNV_PRIME);
}

/**
 * Fibonacci hashing: one multiply by 2^32/φ and the top bits. FNV-1a's low bits are weak (the last byte only
 * reaches them through the xor), its high bits are not, and the multiply spreads them once more.
 */
function bucketOf(hash: number, shift: number): number {
  return Math.imul(hash, 0x9e3779b1) >>> shift;
}

/**
 * Turns the counts in `weights[from..to)` into 1 + ln(count), scaled to unit length. Without `repeats`
 * every count is 1 (as for most names), and so is every weight before the scaling.
 */
function sublinearUnitLength(weights: Float32Array, from: number, to: number, repeats: boolean): void {
  if (!repeats) {
    const scale = 1 / Math.sqrt(to - from);
    for (let i = from; i < to; i++) weights[i] = scale;
    return;
  }
  let squares = 0;
  for (let i = from; i < to; i++) {
    const n = weights[i] as number;
    const w = n === 1 ? 1 : 1 + Math.log(n);
    weights[i] = w;
    squares += w * w;
  }
  const scale = 1 / Math.sqrt(squares);
  for (let i = from; i < to; i++) weights[i] = (weights[i] as number) * scale;
}

/** The settings that decide behaviour, in a fixed key order (fields of other algorithms left out). */
function canonicalSettings(s: FeaturizerSettings): Record<string, unknown> {
  return {
    algorithm: s.algorithm,
    lowercase: s.lowercase,
    unicodeNormalization: s.unicodeNormalization,
    punctuation: s.punctuation,
    wordNgrams: [s.wordNgrams[0], s.wordNgrams[1]],
    charNgrams: [s.charNgrams[0], s.charNgrams[1]],
    buckets: s.buckets,
    maxLength: s.maxLength,
    ...(s.algorithm === 'hashed-ngrams-2' ? { pathWords: s.pathWords } : {}),
  };
}

function validateSettings(s: FeaturizerSettings): void {
  const problems: string[] = [];
  if (s.algorithm !== 'hashed-ngrams-1' && s.algorithm !== 'hashed-ngrams-2')
    problems.push(`unknown algorithm ${(s as { algorithm: unknown }).algorithm}`);
  if (s.algorithm === 'hashed-ngrams-2' && !(Number.isInteger(s.pathWords) && s.pathWords >= 0))
    problems.push('pathWords must be a non-negative integer');
  for (const [name, [min, max]] of [
    ['wordNgrams', s.wordNgrams],
    ['charNgrams', s.charNgrams],
  ] as const) {
    if (
      !Number.isInteger(min) ||
      !Number.isInteger(max) ||
      min < 0 ||
      max < min ||
      (min === 0 && max !== 0)
    ) {
      problems.push(`${name} must be [min, max] with 1 <= min <= max, or [0, 0]`);
    }
  }
  // A power of two turns the bucket modulo into a shift, which matters at hundreds of thousands of rows a second.
  if (
    !Number.isInteger(s.buckets) ||
    s.buckets < 2 ||
    s.buckets > 2 ** 30 ||
    (s.buckets & (s.buckets - 1)) !== 0
  ) {
    problems.push('buckets must be a power of two in [2, 2^30]');
  }
  if (!Number.isInteger(s.maxLength) || s.maxLength < 1)
    problems.push('maxLength must be a positive integer');
  if (problems.length > 0) throw new RangeError(`Invalid featurizer settings: ${problems.join('; ')}`);
}
