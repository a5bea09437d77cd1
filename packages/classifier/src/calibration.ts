/**
 * Temperature scaling (Guo et al., 2017): probabilities softmax(scores / T) with the one T that minimises
 * the cross-entropy of held-out rows. It leaves every argmax as it is and only makes confidence mean
 * probability.
 */
export function fitTemperature(scores: Float32Array, targets: Int32Array, classes: number): number {
  if (targets.length === 0) return 1;
  // The loss is convex in 1/T, so a golden-section search over log T finds its minimum.
  let lo = Math.log(1e-3);
  let hi = Math.log(1e3);
  const loss = (logT: number): number => crossEntropy(scores, targets, classes, Math.exp(-logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = loss(a);
  let fb = loss(b);
  // 40 steps narrow the range by 0.618^40: T to nine digits.
  for (let i = 0; i < 40; i++) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = loss(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = loss(b);
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Mean cross-entropy of softmax(scale · scores) against the targets; scores are `rows × classes`. */
export function crossEntropy(
  scores: Float32Array,
  targets: Int32Array,
  classes: number,
  scale: number,
): number {
  let total = 0;
  for (let i = 0; i < targets.length; i++) {
    const base = i * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) max = Math.max(max, scale * (scores[base + c] as number));
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(scale * (scores[base + c] as number) - max);
    total += Math.log(sum) + max - scale * (scores[base + (targets[i] as number)] as number);
  }
  return total / targets.length;
}

/** Writes softmax(scale · scores[from .. from + out.length)) into `out`. */
export function softmaxInto(
  scores: ArrayLike<number>,
  from: number,
  scale: number,
  out: Float32Array,
): Float32Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < out.length; c++) max = Math.max(max, scale * (scores[from + c] as number));
  let sum = 0;
  for (let c = 0; c < out.length; c++) {
    const e = Math.exp(scale * (scores[from + c] as number) - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < out.length; c++) out[c] = (out[c] as number) / sum;
  return out;
}

/**
 * Expected calibration error: rows binned by confidence into `bins` equal widths (1.0 in the last), then
 * the row-weighted mean of |accuracy − mean confidence| over the bins.
 */
export function expectedCalibrationError(
  confidences: ArrayLike<number>,
  correct: ArrayLike<boolean | number>,
  bins = 10,
): number {
  if (confidences.length !== correct.length)
    throw new RangeError(`${confidences.length} confidences but ${correct.length} outcomes`);
  const count = new Array<number>(bins).fill(0);
  const confidence = new Array<number>(bins).fill(0);
  const hits = new Array<number>(bins).fill(0);
  for (let i = 0; i < confidences.length; i++) {
    const p = confidences[i] as number;
    const bin = Math.min(bins - 1, Math.floor(p * bins));
    count[bin] = (count[bin] as number) + 1;
    confidence[bin] = (confidence[bin] as number) + p;
    if (correct[i]) hits[bin] = (hits[bin] as number) + 1;
  }
  let error = 0;
  for (let b = 0; b < bins; b++) {
    const n = count[b] as number;
    if (n > 0) error += Math.abs((hits[b] as number) - (confidence[b] as number)) / confidences.length;
  }
  return error;
}
