import { describe, expect, it } from 'vitest';
import { crossEntropy, expectedCalibrationError, fitTemperature, softmaxInto } from './calibration';
import { createRandom } from './random';

describe('expectedCalibrationError', () => {
  it('is the row-weighted gap between accuracy and confidence per bin', () => {
    // Bin [0.9, 1]: confidence 0.95 and 1.0, one right → |0.5 − 0.975| · 2/4; bin [0.6, 0.7): 0.6 and 0.65,
    // both right → |1 − 0.625| · 2/4.
    const ece = expectedCalibrationError([0.95, 1, 0.6, 0.65], [1, 0, true, true]);
    expect(ece).toBeCloseTo(0.475 / 2 + 0.375 / 2, 10);
    expect(expectedCalibrationError([0.7, 0.7, 0.7], [1, 1, 1])).toBeCloseTo(0.3, 10);
  });
});

describe('fitTemperature', () => {
  it('recovers the temperature that made the labels, and leaves the argmax alone', () => {
    const random = createRandom(5);
    const classes = 4;
    const rows = 4000;
    const scores = new Float32Array(rows * classes);
    const targets = new Int32Array(rows);
    const p = new Float32Array(classes);
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < classes; c++) scores[i * classes + c] = random() * 2;
      // Labels drawn from softmax(scores / 0.25): the best temperature is 0.25.
      softmaxInto(scores, i * classes, 4, p);
      let u = random();
      let c = 0;
      while (c < classes - 1 && u > (p[c] as number)) u -= p[c++] as number;
      targets[i] = c;
    }
    const t = fitTemperature(scores, targets, classes);
    expect(t).toBeGreaterThan(0.22);
    expect(t).toBeLessThan(0.28);
    expect(crossEntropy(scores, targets, classes, 1 / t)).toBeLessThan(
      crossEntropy(scores, targets, classes, 1),
    );
  });
});
