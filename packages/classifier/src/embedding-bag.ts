import { type ClassificationMetrics, evaluate } from './evaluate';
import type { FeatureMatrix } from './feature-matrix';
import { spreadRows } from './training-set';

/**
 * Parameters of the classifier: weighted mean of the embeddings of a text's ids → linear layer → softmax.
 */
export interface EmbeddingBagParameters {
  /** `rows × dim`, row-major; a trained model has one row per hashed bucket, all zeros for unseen buckets. */
  readonly embeddings: Float32Array;
  readonly dim: number;
  readonly classes: number;
  /** `dim × classes`, row-major: the right-hand side of `hidden · W`. */
  readonly outputWeights: Float32Array;
  readonly outputBias: Float32Array;
}

/**
 * Forward pass for the ids `rows[start..end)` of one text: writes the class probabilities into `probabilities`
 * and the bag mean into `hidden` (both reused by the caller to avoid allocation).
 */
export function forward(
  params: EmbeddingBagParameters,
  rows: Int32Array,
  weights: Float32Array,
  start: number,
  end: number,
  hidden: Float32Array,
  probabilities: Float32Array,
): void {
  const { embeddings, dim, classes, outputWeights, outputBias } = params;
  hidden.fill(0);
  for (let i = start; i < end; i++) {
    const w = weights[i] as number;
    const base = (rows[i] as number) * dim;
    for (let d = 0; d < dim; d++) hidden[d] = (hidden[d] as number) + w * (embeddings[base + d] as number);
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) {
    let logit = outputBias[c] as number;
    for (let d = 0; d < dim; d++) logit += (hidden[d] as number) * (outputWeights[d * classes + c] as number);
    probabilities[c] = logit;
    if (logit > max) max = logit;
  }
  let total = 0;
  for (let c = 0; c < classes; c++) {
    const e = Math.exp((probabilities[c] as number) - max);
    probabilities[c] = e;
    total += e;
  }
  for (let c = 0; c < classes; c++) probabilities[c] = (probabilities[c] as number) / total;
}

/** fastText's start: small random embeddings, zero output layer; row 0 (ids unseen in training) stays zero. */
export function initialParameters(
  rows: number,
  dim: number,
  classes: number,
  random: () => number,
): EmbeddingBagParameters {
  const embeddings = new Float32Array(rows * dim);
  for (let i = dim; i < embeddings.length; i++) embeddings[i] = (random() * 2 - 1) / dim;
  return {
    embeddings,
    dim,
    classes,
    outputWeights: new Float32Array(dim * classes),
    outputBias: new Float32Array(classes),
  };
}

export function copyParameters(p: EmbeddingBagParameters): EmbeddingBagParameters {
  return {
    ...p,
    embeddings: p.embeddings.slice(),
    outputWeights: p.outputWeights.slice(),
    outputBias: p.outputBias.slice(),
  };
}

/** Spreads a compact table back to one row per bucket (zeros for buckets without a row), as served. */
export function perBucket(compact: EmbeddingBagParameters, rowOfBucket: Int32Array): EmbeddingBagParameters {
  return { ...compact, embeddings: spreadRows(compact.embeddings, compact.dim, rowOfBucket) };
}

/** Validation metrics of the parameters on feature rows already mapped to the parameters' table. */
export function evaluateParameters(
  params: EmbeddingBagParameters,
  labels: readonly string[],
  features: FeatureMatrix,
  targets: Int32Array,
): ClassificationMetrics {
  const hidden = new Float32Array(params.dim);
  const probabilities: Float32Array[] = [];
  const predicted: string[] = [];
  for (let i = 0; i < targets.length; i++) {
    const p = new Float32Array(params.classes);
    const { ids, weights, offsets } = features;
    forward(params, ids, weights, offsets[i] as number, offsets[i + 1] as number, hidden, p);
    probabilities.push(p);
    let best = 0;
    for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
    predicted.push(labels[best] as string);
  }
  const truth = Array.from(targets, (c) => labels[c] as string);
  return evaluate(truth, predicted, labels, probabilities);
}
