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
      if (classes <= 8) dotSmall(w, bias, classes, ids, values, start, end, scores);
      else dotGeneric(w, bias, classes, ids, values, start, end, scores);
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
      if (classes <= 8) stepSmall(w, classes, ids, values, start, end, scores);
      else stepGeneric(w, classes, ids, values, start, end, scores);
    }
    return loss;
  }
}

// The sweep's two loops over a row's features, for any number of classes and, since those loops are most
// of the training time, unrolled into locals for up to 8 (measured: a third faster for 5 classes).

function dotGeneric(
  w: Float32Array,
  bias: Float64Array,
  classes: number,
  ids: Int32Array,
  values: Float32Array,
  start: number,
  end: number,
  scores: Float64Array,
): void {
  for (let c = 0; c < classes; c++) scores[c] = bias[c] as number;
  for (let k = start; k < end; k++) {
    const x = values[k] as number;
    const base = (ids[k] as number) * classes;
    for (let c = 0; c < classes; c++) scores[c] = (scores[c] as number) + x * (w[base + c] as number);
  }
}

function dotSmall(
  w: Float32Array,
  bias: Float64Array,
  classes: number,
  ids: Int32Array,
  values: Float32Array,
  start: number,
  end: number,
  scores: Float64Array,
): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  for (let k = start; k < end; k++) {
    const x = values[k] as number;
    const b = (ids[k] as number) * classes;
    s0 += x * (w[b] as number);
    if (classes > 1) s1 += x * (w[b + 1] as number);
    if (classes > 2) s2 += x * (w[b + 2] as number);
    if (classes > 3) s3 += x * (w[b + 3] as number);
    if (classes > 4) s4 += x * (w[b + 4] as number);
    if (classes > 5) s5 += x * (w[b + 5] as number);
    if (classes > 6) s6 += x * (w[b + 6] as number);
    if (classes > 7) s7 += x * (w[b + 7] as number);
  }
  scores[0] = (bias[0] as number) + s0;
  if (classes > 1) scores[1] = (bias[1] as number) + s1;
  if (classes > 2) scores[2] = (bias[2] as number) + s2;
  if (classes > 3) scores[3] = (bias[3] as number) + s3;
  if (classes > 4) scores[4] = (bias[4] as number) + s4;
  if (classes > 5) scores[5] = (bias[5] as number) + s5;
  if (classes > 6) scores[6] = (bias[6] as number) + s6;
  if (classes > 7) scores[7] = (bias[7] as number) + s7;
}

function stepGeneric(
  w: Float32Array,
  classes: number,
  ids: Int32Array,
  values: Float32Array,
  start: number,
  end: number,
  steps: Float64Array,
): void {
  for (let k = start; k < end; k++) {
    const x = values[k] as number;
    const base = (ids[k] as number) * classes;
    for (let c = 0; c < classes; c++) w[base + c] = (w[base + c] as number) + x * (steps[c] as number);
  }
}

function stepSmall(
  w: Float32Array,
  classes: number,
  ids: Int32Array,
  values: Float32Array,
  start: number,
  end: number,
  steps: Float64Array,
): void {
  const d0 = steps[0] as number;
  const d1 = classes > 1 ? (steps[1] as number) : 0;
  const d2 = classes > 2 ? (steps[2] as number) : 0;
  const d3 = classes > 3 ? (steps[3] as number) : 0;
  const d4 = classes > 4 ? (steps[4] as number) : 0;
  const d5 = classes > 5 ? (steps[5] as number) : 0;
  const d6 = classes > 6 ? (steps[6] as number) : 0;
  const d7 = classes > 7 ? (steps[7] as number) : 0;
  for (let k = start; k < end; k++) {
    const x = values[k] as number;
    const b = (ids[k] as number) * classes;
    w[b] = (w[b] as number) + x * d0;
    if (classes > 1) w[b + 1] = (w[b + 1] as number) + x * d1;
    if (classes > 2) w[b + 2] = (w[b + 2] as number) + x * d2;
    if (classes > 3) w[b + 3] = (w[b + 3] as number) + x * d3;
    if (classes > 4) w[b + 4] = (w[b + 4] as number) + x * d4;
    if (classes > 5) w[b + 5] = (w[b + 5] as number) + x * d5;
    if (classes > 6) w[b + 6] = (w[b + 6] as number) + x * d6;
    if (classes > 7) w[b + 7] = (w[b + 7] as number) + x * d7;
  }
}
