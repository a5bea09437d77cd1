/**
 * Everything that decides which ids and weights a text turns into. A model is only valid with the exact
 * settings it was trained with, so they travel in its manifest.
 */
interface NgramSettings {
  readonly lowercase: boolean;
  readonly unicodeNormalization: 'NFKC' | 'none';
  /** `split`: anything but letters, digits and combining marks separates words; `keep`: only whitespace does. */
  readonly punctuation: 'split' | 'keep';
  /** Inclusive range of word n-gram orders; [1, 2] = unigrams and bigrams, [0, 0] = none. */
  readonly wordNgrams: readonly [number, number];
  /**
   * Inclusive range of character n-gram lengths, taken over the normalised text with one space between
   * words and at both ends, so n-grams mark word edges and may span two words; [0, 0] = none.
   */
  readonly charNgrams: readonly [number, number];
  /** Size of the hashed id space: ids are in [0, buckets). */
  readonly buckets: number;
  /** Ids per text: longer texts are truncated (word n-grams come first), shorter ones padded with weight 0. */
  readonly maxLength: number;
}

/**
 * The embedding bag's features: every n-gram occurrence is an id (repeats included); word n-grams and
 * character n-grams each carry half of the weight, spread evenly. Names the hashing and normalisation
 * code; bumped whenever that code would emit different ids.
 */
export interface MeanBagFeaturizerSettings extends NgramSettings {
  readonly algorithm: 'hashed-ngrams-1';
}

/**
 * The linear model's features: the same hashed n-grams, each distinct id once with weight 1 + ln(count)
 * (sublinear tf), L2-normalised within words and within character n-grams. The text is featurized after
 * its category path (see PathTable), which is looked for among its first `pathWords` words.
 */
export interface SublinearFeaturizerSettings extends NgramSettings {
  readonly algorithm: 'hashed-ngrams-2';
  /** Most words a category path may have; 0: no path is looked for. */
  readonly pathWords: number;
}

export type FeaturizerSettings = MeanBagFeaturizerSettings | SublinearFeaturizerSettings;
export type FeaturizerAlgorithm = FeaturizerSettings['algorithm'];

const pair = (a: number, b: number) => Object.freeze([a, b]) as readonly [number, number];

/**
 * The embedding bag's defaults, chosen by measurement on a held-out split: character 4-grams alone score as
 * well as 3–5-grams (within 0.001 weighted F1) with a third of the features, and 64 ids per text keep every
 * word n-gram of nearly every text. Inference cost is about linear in `maxLength` (onnxruntime's Gather
 * costs ~20 ns an id), and 2^18 buckets × 16 dims keep the embedding table at 16 MiB, which stays in cache.
 */
export const DEFAULT_FEATURIZER_SETTINGS: MeanBagFeaturizerSettings = Object.freeze({
  algorithm: 'hashed-ngrams-1',
  lowercase: true,
  unicodeNormalization: 'NFKC',
  punctuation: 'split',
  wordNgrams: pair(1, 2),
  charNgrams: pair(4, 4),
  buckets: 2 ** 18,
  maxLength: 64,
});

/**
 * The linear model's defaults (bench/benchmark.ts measures the alternatives): character 4-grams score
 * like 3–5-grams with 40% of the ids; 64 ids keep every feature of 97% of the names once the path is cut
 * off; 2^18 buckets × 5 classes are a 5 MiB table.
 */
export const SUBLINEAR_FEATURIZER_SETTINGS: SublinearFeaturizerSettings = Object.freeze({
  ...DEFAULT_FEATURIZER_SETTINGS,
  algorithm: 'hashed-ngrams-2',
  pathWords: 6,
});
