import type { Featurizer } from './featurizer';
import type { TimeSlicer } from './time-slicer';

/** The features of many texts, stored back to back (CSR): text `i` owns entries `offsets[i]` to `offsets[i + 1]`. */
export interface FeatureMatrix {
  readonly offsets: Int32Array;
  readonly ids: Int32Array;
  readonly weights: Float32Array;
}

/** Featurizes every text once, so that epochs reuse the ids instead of hashing again. */
export async function featurizeAll(
  featurizer: Featurizer,
  texts: readonly string[],
  slicer: TimeSlicer,
): Promise<FeatureMatrix> {
  const { maxLength } = featurizer.settings;
  const rowIds = new Int32Array(maxLength);
  const rowWeights = new Float32Array(maxLength);
  const offsets = new Int32Array(texts.length + 1);
  let ids = new Int32Array(Math.max(1024, texts.length * 64));
  let weights = new Float32Array(ids.length);
  let used = 0;
  for (let i = 0; i < texts.length; i++) {
    if ((i & 255) === 255) await slicer.tick();
    const count = featurizer.featurizeInto(texts[i] as string, rowIds, rowWeights, 0);
    if (used + count > ids.length) {
      const grownIds = new Int32Array(Math.max(ids.length * 2, used + count));
      grownIds.set(ids);
      ids = grownIds;
      const grownWeights = new Float32Array(grownIds.length);
      grownWeights.set(weights);
      weights = grownWeights;
    }
    ids.set(rowIds.subarray(0, count), used);
    weights.set(rowWeights.subarray(0, count), used);
    used += count;
    offsets[i + 1] = used;
  }
  return { offsets, ids: ids.slice(0, used), weights: weights.slice(0, used) };
}
