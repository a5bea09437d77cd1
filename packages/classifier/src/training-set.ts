import { type FeatureMatrix, featurizeAll } from './feature-matrix';
import type { Featurizer } from './featurizer';
import type { ClassBalancing, LabelledText } from './train-options';

/** Examples turned into what the SGD loop reads: class indices and feature rows of a compact table. */
export interface TrainingSet {
  readonly labels: readonly string[];
  readonly trainTargets: Int32Array;
  readonly trainFeatures: FeatureMatrix;
  readonly validationTargets: Int32Array;
  readonly validationFeatures: FeatureMatrix;
  /** Compact embedding row of each bucket; 0 (a row kept at zero) for buckets absent from the training texts. */
  readonly rowOfBucket: Int32Array;
  /** Rows of the compact table, row 0 included. */
  readonly rows: number;
}

/**
 * Featurizes both sets once and gives each bucket that occurs in the training texts its own row, in order of
 * first occurrence: the table is a fraction of `buckets × dim`, which keeps SGD in cache. Validation ids
 * absent from training map to row 0, exactly what a zero row does at serving time.
 */
export function buildTrainingSet(
  featurizer: Featurizer,
  train: readonly LabelledText[],
  validation: readonly LabelledText[],
  labels: readonly string[],
): TrainingSet {
  const trainBuckets = featurizeAll(
    featurizer,
    train.map((e) => e.text),
  );
  const rowOfBucket = new Int32Array(featurizer.settings.buckets);
  let rows = 1;
  for (const id of trainBuckets.ids) if (rowOfBucket[id] === 0) rowOfBucket[id] = rows++;
  const toRows = (features: FeatureMatrix): FeatureMatrix => ({
    ...features,
    ids: features.ids.map((id) => rowOfBucket[id] as number),
  });
  return {
    labels,
    trainTargets: classIndices(train, labels),
    trainFeatures: toRows(trainBuckets),
    validationTargets: classIndices(validation, labels),
    validationFeatures: toRows(
      featurizeAll(
        featurizer,
        validation.map((e) => e.text),
      ),
    ),
    rowOfBucket,
    rows,
  };
}

/** Loss weight per class: 1, or n / (classes present · n_class) for `class-weights`. */
export function classWeights(targets: Int32Array, classes: number, balancing: ClassBalancing): Float32Array {
  const weights = new Float32Array(classes).fill(1);
  if (balancing !== 'class-weights') return weights;
  const counts = new Array<number>(classes).fill(0);
  for (const c of targets) counts[c] = (counts[c] as number) + 1;
  const present = counts.filter((n) => n > 0).length;
  counts.forEach((n, c) => {
    if (n > 0) weights[c] = targets.length / (present * n);
  });
  return weights;
}

/** Every example once, plus random draws (with replacement) from each smaller class up to the largest size. */
export function oversampledIndices(targets: Int32Array, classes: number, random: () => number): Int32Array {
  const members: number[][] = Array.from({ length: classes }, () => []);
  targets.forEach((c, i) => {
    (members[c] as number[]).push(i);
  });
  const largest = Math.max(...members.map((m) => m.length));
  const order: number[] = [];
  for (const m of members) {
    if (m.length === 0) continue;
    order.push(...m);
    for (let k = m.length; k < largest; k++) order.push(m[Math.floor(random() * m.length)] as number);
  }
  return Int32Array.from(order);
}

function classIndices(set: readonly LabelledText[], labels: readonly string[]): Int32Array {
  const classOf = new Map(labels.map((label, i) => [label, i]));
  return Int32Array.from(set, (e) => {
    const c = classOf.get(e.label);
    if (c === undefined) throw new RangeError(`label ${JSON.stringify(e.label)} is not in options.labels`);
    return c;
  });
}
