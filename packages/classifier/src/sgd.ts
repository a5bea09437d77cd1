import type { EmbeddingBagParameters } from './embedding-bag';
import type { FeatureMatrix } from './feature-matrix';
import type { Optimizer } from './train-options';

const ADAGRAD_EPSILON = 1e-6;

/**
 * One update per call on softmax cross-entropy, with the exact gradient of the weighted bag mean (fastText's
 * supervised update, plus an output bias). The output layer always takes plain SGD steps; embedding rows
 * take plain SGD steps too, or row-wise AdaGrad steps (each row's step divided by the root of its summed
 * squared gradients, one accumulator per row), which lets rare n-grams learn as fast as common ones.
 * Scratch vectors are allocated once.
 */
export class Sgd {
  readonly #hidden: Float32Array;
  readonly #hiddenGradient: Float32Array;
  readonly #scores: Float32Array;
  readonly #rowSquares: Float32Array | null;

  constructor(
    readonly params: EmbeddingBagParameters,
    /** Feature ids already mapped to embedding rows. */
    readonly features: FeatureMatrix,
    readonly targets: Int32Array,
    /** Loss weight per class. */
    readonly classWeights: Float32Array,
    optimizer: Optimizer,
  ) {
    this.#hidden = new Float32Array(params.dim);
    this.#hiddenGradient = new Float32Array(params.dim);
    this.#scores = new Float32Array(params.classes);
    this.#rowSquares =
      optimizer === 'rowwise-adagrad' ? new Float32Array(params.embeddings.length / params.dim) : null;
  }

  /** Updates the parameters on example `index`; returns its weighted loss before the update. */
  step(index: number, learningRate: number): number {
    const { embeddings, dim, classes, outputWeights, outputBias } = this.params;
    const { offsets, ids, weights } = this.features;
    const hidden = this.#hidden;
    const hiddenGradient = this.#hiddenGradient;
    const scores = this.#scores;
    const start = offsets[index] as number;
    const end = offsets[index + 1] as number;
    const target = this.targets[index] as number;
    const classWeight = this.classWeights[target] as number;

    hidden.fill(0);
    for (let i = start; i < end; i++) {
      const w = weights[i] as number;
      const base = (ids[i] as number) * dim;
      for (let d = 0; d < dim; d++) hidden[d] = (hidden[d] as number) + w * (embeddings[base + d] as number);
    }
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      let s = outputBias[c] as number;
      for (let d = 0; d < dim; d++) s += (hidden[d] as number) * (outputWeights[d * classes + c] as number);
      scores[c] = s;
      if (s > max) max = s;
    }
    let total = 0;
    for (let c = 0; c < classes; c++) {
      const e = Math.exp((scores[c] as number) - max);
      scores[c] = e;
      total += e;
    }
    const loss = -Math.log(Math.max((scores[target] as number) / total, 1e-12)) * classWeight;

    // scores becomes -cw·∂loss/∂logits = cw·(onehot − p); hiddenGradient is its pull-back, -∂loss/∂hidden.
    for (let c = 0; c < classes; c++) {
      const g = classWeight * ((c === target ? 1 : 0) - (scores[c] as number) / total);
      scores[c] = g;
      outputBias[c] = (outputBias[c] as number) + learningRate * g;
    }
    let gradientSquares = 0;
    for (let d = 0; d < dim; d++) {
      const h = learningRate * (hidden[d] as number);
      let back = 0;
      for (let c = 0; c < classes; c++) {
        const k = d * classes + c;
        const g = scores[c] as number;
        back += (outputWeights[k] as number) * g;
        outputWeights[k] = (outputWeights[k] as number) + h * g;
      }
      hiddenGradient[d] = back;
      gradientSquares += back * back;
    }
    const rowSquares = this.#rowSquares;
    for (let i = start; i < end; i++) {
      const w = weights[i] as number;
      const row = ids[i] as number;
      let step = learningRate * w;
      if (rowSquares !== null) {
        // The row's gradient is w · hiddenGradient; its mean square over the dims feeds the accumulator.
        const squares = (rowSquares[row] as number) + (w * w * gradientSquares) / dim;
        rowSquares[row] = squares;
        step /= Math.sqrt(squares + ADAGRAD_EPSILON);
      }
      const base = row * dim;
      for (let d = 0; d < dim; d++) {
        embeddings[base + d] = (embeddings[base + d] as number) + step * (hiddenGradient[d] as number);
      }
    }
    return loss;
  }
}
