import { describe, expect, it } from 'vitest';
import { exportModel } from './export-model';
import { DEFAULT_FEATURIZER_SETTINGS } from './featurizer-settings';
import { syntheticExamples } from './synthetic-examples.test-support';
import { type EpochReport, train } from './train';

// Small tables keep the tests fast; the behaviour does not depend on the size.
const featurizer = { ...DEFAULT_FEATURIZER_SETTINGS, buckets: 2 ** 12 };
const examples = syntheticExamples(300, 1);

describe('train', () => {
  it.each(['rowwise-adagrad', 'sgd'] as const)(
    'separates a separable set perfectly with %s',
    async (optimizer) => {
      const reports: EpochReport[] = [];
      const model = await train(
        examples,
        { epochs: 5, seed: 3, featurizer, validationFraction: 0.2, optimizer },
        { onEpoch: (e) => void reports.push(e) },
      );
      expect(reports.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5]);
      expect(model.metrics.accuracy).toBe(1);
      expect(model.metrics.minF1).toBe(1);
      expect(model.labels).toEqual(['Beverages', 'Fresh Produce', 'Household']);
      expect(model.trainingExamples + model.validationExamples).toBe(300);
      expect(model.validationExamples).toBe(60);
      expect(model.trainingDataHash).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it('gives identical model bytes for the same data and seed, and different ones for another seed', async () => {
    const bytes = async (seed: number) =>
      exportModel(await train(examples, { epochs: 2, seed, featurizer, classBalancing: 'oversample' })).onnx;
    const first = await bytes(11);
    expect(Buffer.from(await bytes(11)).equals(Buffer.from(first))).toBe(true);
    expect(Buffer.from(await bytes(12)).equals(Buffer.from(first))).toBe(false);
  });

  it('keeps the epoch that scores best on the chosen metric', async () => {
    const model = await train(examples.slice(0, 60), {
      epochs: 4,
      seed: 5,
      featurizer,
      learningRate: 5,
      bestModelMetric: 'eval_f1_min',
      validationFraction: 0.5,
    });
    const scores = model.history.map((h) => h.metrics.minF1);
    expect(model.bestEpoch).toBe(scores.indexOf(Math.max(...scores)) + 1);
    expect(model.metrics).toBe(model.history[model.bestEpoch - 1]?.metrics);
  });

  it('uses an explicit validation set and the given training data hash', async () => {
    const validation = syntheticExamples(30, 99);
    const model = await train(examples, { epochs: 1, featurizer, validation, trainingDataHash: 'abc' });
    expect(model.validationExamples).toBe(30);
    expect(model.trainingExamples).toBe(300);
    expect(model.trainingDataHash).toBe('abc');
  });

  it('lets the event loop run while it trains', async () => {
    let ticked = false;
    setImmediate(() => {
      ticked = true;
    });
    const training = train(examples, { epochs: 1, featurizer });
    expect(ticked).toBe(false);
    await training;
    expect(ticked).toBe(true);
  });

  it('rejects invalid options and labels outside the given label list', async () => {
    await expect(train(examples, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(train(examples, { featurizer, labels: ['Beverages'] })).rejects.toThrow(
      /not in options.labels/,
    );
  });
});
