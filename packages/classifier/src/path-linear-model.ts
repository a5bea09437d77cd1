import { softmaxInto } from './calibration';

/**
 * Parameters of the path-table + linear classifier as served. A text whose category path is in the table
 * (path row r > 0) gets that path's probabilities; any other text gets softmax(W·x + b) over its name
 * features x. Both are one expression, so one graph computes them:
 *   logits = nameGate[path] · (W·x + b) + pathLogits[path]
 * with nameGate[0] = 1, pathLogits[0] = 0, and for r > 0 nameGate[r] = 0, pathLogits[r] = log p(class | r).
 * W and b are already divided by the calibration temperature.
 */
export interface PathLinearParameters {
  readonly classes: number;
  /** `buckets × classes`, row-major: one row per hashed id, zeros for ids never seen in training. */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  /** `(paths + 1) × classes`. */
  readonly pathLogits: Float32Array;
  /** `paths + 1`. */
  readonly nameGate: Float32Array;
}

/** Writes the class probabilities of one text (ids and weights `[start, end)`, table row `path`) into `out`. */
export function forwardPathLinear(
  params: PathLinearParameters,
  ids: Int32Array,
  weights: Float32Array,
  start: number,
  end: number,
  path: number,
  out: Float32Array,
): void {
  const { classes } = params;
  linearScores(params.weights, params.bias, classes, ids, weights, start, end, out);
  const gate = params.nameGate[path] as number;
  for (let c = 0; c < classes; c++)
    out[c] = gate * (out[c] as number) + (params.pathLogits[path * classes + c] as number);
  softmaxInto(out, 0, 1, out);
}

/** out[c] = b[c] + Σ_k weights[k] · W[ids[k], c] over `[start, end)`. */
export function linearScores(
  w: Float32Array,
  bias: ArrayLike<number>,
  classes: number,
  ids: Int32Array,
  weights: Float32Array,
  start: number,
  end: number,
  out: Float32Array | Float64Array,
  outOffset = 0,
): void {
  for (let c = 0; c < classes; c++) out[outOffset + c] = bias[c] as number;
  for (let k = start; k < end; k++) {
    const x = weights[k] as number;
    const base = (ids[k] as number) * classes;
    for (let c = 0; c < classes; c++)
      out[outOffset + c] = (out[outOffset + c] as number) + x * (w[base + c] as number);
  }
}
