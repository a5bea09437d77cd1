import type { FeatureMatrix } from './feature-matrix';

/**
 * One-vs-rest linear SVMs with the squared hinge loss, trained by dual coordinate descent (Hsieh et al.
 * 2008; liblinear's solver for `-s 1`, scikit-learn's LinearSVC): each class c minimises
 * ½‖w_c‖² + C Σ_i max(0, 1 − y_ic (w_c·x_i + b_c))², the bias b_c being the weight of a constant feature 1
 * as liblinear's `-B 1`. All classes are updated in one sweep over a row, so each row's features are read
 * once per pass; `weights` is `rows × classes`, row-major, so the classes of one feature are adjacent.
 */
export class DualCoordinateDescent {
  readonly weights: Float32Array;
  readonly bias: Float64Array;
  readonly #alpha: Float64Array;
  /** x_i·x_i + 1 (the bias feature) + 1/(2C): the diagonal of the dual's Hessian. */
  readonly #diagonal: Float64Array;
  readonly #regularizer: number;
  readonly #scores: Float64Array;

  constructor(
    /** Feature ids already mapped to rows of `weights`. */
    readonly features: FeatureMatrix,
    readonly targets: Int32Array,
    readonly classes: number,
    rows: number,
    c: number,
  ) {
    this.weights = new Float32Array(rows * classes);
    this.bias = new Float64Array(classes);
    this.#alpha = new Float64Array(targets.length * classes);
    this.#regularizer = 0.5 / c;
    this.#scores = new Float64Array(classes);
    this.#diagonal = new Float64Array(targets.length);
    const { offsets, weights } = features;
    for (let i = 0; i < targets.length; i++) {
      let squares = 1;
      for (let k = offsets[i] as number; k < (offsets[i + 1] as number); k++)
        squares += (weights[k] as number) ** 2;
      this.#diagonal[i] = squares + this.#regularizer;
    }
  }

  /**
   * One coordinate step for every class on each row `order[from..to)`; returns the summed squared hinge
   * loss (over classes) of those rows just before their step.
   */
  sweep(order: Int32Array, from: number, to: number): number {
    const { offsets, ids, weights: values } = this.features;
    const w = this.weights;
    const bias = this.bias;
    const alpha = this.#alpha;
    const scores = this.#scores;
    const classes = this.classes;
    const regularizer = this.#regularizer;
    let loss = 0;
    for (let r = from; r < to; r++) {
      const i = order[r] as number;
      const start = offsets[i] as number;
      const end = offsets[i + 1] as number;
      for (let c = 0; c < classes; c++) scores[c] = bias[c] as number;
      for (let k = start; k < end; k++) {
        const x = values[k] as number;
        const base = (ids[k] as number) * classes;
        for (let c = 0; c < classes; c++) scores[c] = (scores[c] as number) + x * (w[base + c] as number);
      }
      const target = this.targets[i] as number;
      const diagonal = this.#diagonal[i] as number;
      let changed = false;
      for (let c = 0; c < classes; c++) {
        const y = c === target ? 1 : -1;
        const margin = 1 - y * (scores[c] as number);
        if (margin > 0) loss += margin * margin;
        const a = alpha[i * classes + c] as number;
        const gradient = -margin + regularizer * a;
        // Projected gradient: at the bound α = 0 only a step into the feasible side counts.
        if (a === 0 ? gradient >= 0 : gradient === 0) {
          scores[c] = 0;
          continue;
        }
        const next = Math.max(a - gradient / diagonal, 0);
        alpha[i * classes + c] = next;
        scores[c] = (next - a) * y;
        changed = true;
      }
      if (!changed) continue;
      // scores now holds each class's step along x_i.
      for (let c = 0; c < classes; c++) bias[c] = (bias[c] as number) + (scores[c] as number);
      for (let k = start; k < end; k++) {
        const x = values[k] as number;
        const base = (ids[k] as number) * classes;
        for (let c = 0; c < classes; c++) w[base + c] = (w[base + c] as number) + x * (scores[c] as number);
      }
    }
    return loss;
  }
}
