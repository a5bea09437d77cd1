import { createRandom } from './random';

export interface Interval {
  /** On the rows as given. */
  readonly value: number;
  /** 2.5th and 97.5th percentiles over the resamples. */
  readonly low: number;
  readonly high: number;
}

export interface PairedComparison {
  readonly a: Interval;
  readonly b: Interval;
  readonly difference: Interval;
  /** Share of resamples in which a does not beat b (a − b ≤ 0): a one-sided bootstrap p-value. */
  readonly aNotBetter: number;
}

export interface PairedBootstrap {
  readonly resamples: number;
  /** Weighted F1. */
  readonly f1: PairedComparison;
  /** Lowest per-class F1 (over classes present in the truth or the predictions). */
  readonly minF1: PairedComparison;
}

/**
 * Paired bootstrap of two classifiers' predictions on the same rows: each resample draws rows with
 * replacement and scores both models on the same draw, so the interval of the difference is much
 * narrower than the two intervals side by side. Labels are class indices in [0, classes).
 */
export function pairedBootstrap(
  truth: ArrayLike<number>,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  classes: number,
  options: { resamples?: number; seed?: number } = {},
): PairedBootstrap {
  const n = truth.length;
  if (a.length !== n || b.length !== n)
    throw new RangeError(`${n} true labels but ${a.length} and ${b.length} predictions`);
  const resamples = options.resamples ?? 1000;
  const random = createRandom(options.seed ?? 1);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const pointA = scores(truth, a, all, classes);
  const pointB = scores(truth, b, all, classes);
  const draws = { f1: [[], [], []] as number[][], minF1: [[], [], []] as number[][] };
  const rows = new Int32Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) rows[i] = Math.floor(random() * n);
    const sa = scores(truth, a, rows, classes);
    const sb = scores(truth, b, rows, classes);
    for (const key of ['f1', 'minF1'] as const) {
      const [da, db, dd] = draws[key] as [number[], number[], number[]];
      da.push(sa[key]);
      db.push(sb[key]);
      dd.push(sa[key] - sb[key]);
    }
  }
  const comparison = (key: 'f1' | 'minF1'): PairedComparison => {
    const [da, db, dd] = draws[key] as [number[], number[], number[]];
    return {
      a: interval(pointA[key], da),
      b: interval(pointB[key], db),
      difference: interval(pointA[key] - pointB[key], dd),
      aNotBetter: dd.filter((d) => d <= 0).length / Math.max(1, resamples),
    };
  };
  return { resamples, f1: comparison('f1'), minF1: comparison('minF1') };
}

function interval(value: number, draws: number[]): Interval {
  const sorted = [...draws].sort((x, y) => x - y);
  const at = (q: number): number =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? value;
  return { value, low: at(0.025), high: at(0.975) };
}

/** Weighted and lowest per-class F1 of `predicted` on the rows `rows` (repeats count repeatedly). */
function scores(
  truth: ArrayLike<number>,
  predicted: ArrayLike<number>,
  rows: Int32Array,
  classes: number,
): { f1: number; minF1: number } {
  const tp = new Float64Array(classes);
  const support = new Float64Array(classes);
  const predictedCount = new Float64Array(classes);
  for (const i of rows) {
    const t = truth[i] as number;
    const p = predicted[i] as number;
    support[t] = (support[t] as number) + 1;
    predictedCount[p] = (predictedCount[p] as number) + 1;
    if (t === p) tp[t] = (tp[t] as number) + 1;
  }
  let weighted = 0;
  let min = Number.POSITIVE_INFINITY;
  for (let c = 0; c < classes; c++) {
    const s = support[c] as number;
    const q = predictedCount[c] as number;
    if (s === 0 && q === 0) continue;
    // F1 = 2·tp / (support + predicted), the harmonic mean of precision and recall.
    const f1 = (2 * (tp[c] as number)) / (s + q);
    weighted += f1 * s;
    min = Math.min(min, f1);
  }
  return { f1: rows.length > 0 ? weighted / rows.length : 0, minF1: Number.isFinite(min) ? min : 0 };
}
