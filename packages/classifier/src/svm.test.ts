import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from './feature-matrix';
import { createRandom, shuffleInPlace } from './random';
import { DualCoordinateDescent } from './svm';

/** Noisy, overlapping data: the optimum has many rows inside the margin. */
function data(
  rows: number,
  features: number,
  classes: number,
): { matrix: FeatureMatrix; targets: Int32Array } {
  const random = createRandom(4);
  const offsets = new Int32Array(rows + 1);
  const ids: number[] = [];
  const values: number[] = [];
  const targets = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    targets[i] = i % classes;
    const used = new Set<number>();
    for (let k = 0; k < 6; k++) {
      const id =
        random() < 0.5
          ? (targets[i] as number) * 3 + Math.floor(random() * 3)
          : Math.floor(random() * features);
      if (used.has(id)) continue;
      used.add(id);
      ids.push(id);
      values.push(random() + 0.1);
    }
    offsets[i + 1] = ids.length;
  }
  return { matrix: { offsets, ids: Int32Array.from(ids), weights: Float32Array.from(values) }, targets };
}

describe('DualCoordinateDescent', () => {
  // 3 classes take the unrolled loops, 9 the generic ones.
  it.each([3, 9])(
    'converges to the optimum of the squared-hinge SVM (%i classes): its primal gradient vanishes',
    (classes) => {
      const features = 30;
      const c = 0.5;
      const { matrix, targets } = data(300, features, classes);
      const svm = new DualCoordinateDescent(matrix, targets, classes, features, c);
      const random = createRandom(1);
      for (let pass = 0; pass < 300; pass++) {
        const order = shuffleInPlace(
          Int32Array.from(targets, (_, i) => i),
          random,
        );
        svm.sweep(order, 0, order.length);
      }
      // ∂/∂w_c of ½‖(w_c, b_c)‖² + C Σ max(0, 1 − y s)² is w_c − 2C Σ y max(0, 1 − y s) x.
      for (let k = 0; k < classes; k++) {
        const gradient = new Float64Array(features + 1);
        for (let f = 0; f < features; f++) gradient[f] = svm.weights[f * classes + k] as number;
        gradient[features] = svm.bias[k] as number;
        for (let i = 0; i < targets.length; i++) {
          const y = targets[i] === k ? 1 : -1;
          let s = svm.bias[k] as number;
          for (let j = matrix.offsets[i] as number; j < (matrix.offsets[i + 1] as number); j++)
            s +=
              (matrix.weights[j] as number) *
              (svm.weights[(matrix.ids[j] as number) * classes + k] as number);
          const slack = Math.max(0, 1 - y * s);
          for (let j = matrix.offsets[i] as number; j < (matrix.offsets[i + 1] as number); j++)
            gradient[matrix.ids[j] as number] =
              (gradient[matrix.ids[j] as number] as number) -
              2 * c * y * slack * (matrix.weights[j] as number);
          gradient[features] = (gradient[features] as number) - 2 * c * y * slack;
        }
        const norm = Math.sqrt(gradient.reduce((a, g) => a + g * g, 0));
        const size = Math.sqrt(Array.from(svm.weights).reduce((a, w) => a + w * w, 0));
        expect(size).toBeGreaterThan(0.1);
        expect(norm).toBeLessThan(1e-3);
      }
    },
  );
});
