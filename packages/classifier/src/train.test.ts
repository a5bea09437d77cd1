import { describe, expect, it } from 'vitest';
import { syntheticCatalogue, syntheticExamples } from '../test/synthetic-examples';
import { exportModel } from './export-model';
import { DEFAULT_FEATURIZER_SETTINGS } from './featurizer-settings';
import { type EpochReport, type TrainedPathLinear, train } from './train';
import { FingerprintReader } from './training-fingerprint';
import { isValidationRow } from './validation-rule';

// Small tables keep the tests fast; the behaviour does not depend on the size.
const featurizer = { buckets: 2 ** 12 };
const examples = syntheticCatalogue(600, 1);
const validationRows = examples.filter((e) => isValidationRow(e.text));

describe('train', () => {
  it.each(['path-table-linear-svm', 'embedding-bag'] as const)(
    'separates a separable set perfectly with %s, reporting every epoch',
    async (architecture) => {
      const reports: EpochReport[] = [];
      const model = await train(
        examples,
        { architecture, epochs: 5, seed: 3, featurizer },
        { onEpoch: (e) => void reports.push(e) },
      );
      expect(model.architecture).toBe(architecture);
      expect(reports.map((r) => r.epoch)).toEqual([1, 2, 3, 4, 5]);
      expect(model.metrics.accuracy).toBe(1);
      expect(model.metrics.minF1).toBe(1);
      expect(model.labels).toEqual(['Beverages', 'Fresh Produce', 'Household']);
      expect(model.validationExamples).toBe(validationRows.length);
      expect(model.trainingDataHash).toMatch(/^[0-9a-f]{64}$/);
    },
  );

  it('learns the category paths, calibrates, and refits on all rows by default', async () => {
    const model = (await train(examples, { epochs: 4, seed: 3, featurizer })) as TrainedPathLinear;
    expect(model.pathTable.entries.map((e) => e.path)).toContain('soft drinks');
    expect(model.pathTable.entries.find((e) => e.path === 'laundry')?.label).toBe('Household');
    expect(model.calibration.temperature).toBeGreaterThan(0);
    expect(model.calibration.rows).toBe(validationRows.filter((e) => !/^[a-z]/.test(e.text)).length);
    expect(model.options).toMatchObject({ refit: true, c: 0.3, dim: null, learningRate: null });
    expect(model.trainingExamples).toBe(examples.length);
    expect(model.trainingSet).toMatchObject({ refit: true, validationRule: { kind: 'text-hash', seed: 42 } });
    const seen = new FingerprintReader(model.trainingSet.fingerprint);
    expect(examples.every((e) => seen.has(e.text))).toBe(true);
  });

  it.each(['path-table-linear-svm', 'embedding-bag'] as const)(
    'reports progress within an epoch with %s, not only at its end, so a long epoch never looks stuck',
    async (architecture) => {
      const events: (string | number)[] = [];
      let last = 0;
      await train(
        syntheticExamples(40_000, 2),
        { architecture, epochs: 2, seed: 3, featurizer },
        {
          onEpoch: (e) => void events.push(`epoch ${e.epoch}`),
          onProgress: (done) => {
            expect(done).toBeGreaterThanOrEqual(last);
            last = done;
            events.push(done);
          },
          // A turn after every block of rows: on a fast machine a whole 36,000-row epoch can fit in one 20 ms
          // slice (CI on a quiet machine saw no report before the first epoch ended).
          sliceMs: 0,
        },
      );
      // 36,000 rows an epoch in blocks of 512: many turns before it ends, and the share reported moves
      // within each epoch.
      const highest = (from: number, to: number) =>
        Math.max(0, ...events.slice(from, to).filter((e) => typeof e === 'number'));
      const firstEnd = events.indexOf('epoch 1');
      expect(highest(0, firstEnd)).toBeGreaterThan(0);
      expect(highest(firstEnd + 1, events.indexOf('epoch 2'))).toBeGreaterThan(highest(0, firstEnd));
      expect(last).toBeGreaterThan(0.5);
    },
  );

  it('keeps the validation rows unseen without refit or with an explicit validation set', async () => {
    const noRefit = await train(examples, { epochs: 2, featurizer, refit: false });
    expect(noRefit.trainingExamples).toBe(examples.length - validationRows.length);
    const unseen = (m: typeof noRefit, rows: typeof examples) =>
      rows.filter((e) => !new FingerprintReader(m.trainingSet.fingerprint).has(e.text)).length;
    // Validation texts also present among the training texts are seen (texts repeat in this set).
    const trainTexts = new Set(examples.filter((e) => !isValidationRow(e.text)).map((e) => e.text));
    expect(unseen(noRefit, validationRows)).toBe(
      validationRows.filter((e) => !trainTexts.has(e.text)).length,
    );

    const validation = syntheticCatalogue(60, 99);
    const explicit = await train(examples, { epochs: 1, featurizer, validation, trainingDataHash: 'abc' });
    expect(explicit.validationExamples).toBe(60);
    expect(explicit.trainingExamples).toBe(600);
    expect(explicit.trainingDataHash).toBe('abc');
    expect(explicit.trainingSet).toMatchObject({ validationRule: null, refit: false });
    expect(explicit.options.validationRule).toBeNull();
  });

  it.each(['path-table-linear-svm', 'embedding-bag'] as const)(
    'gives identical %s bytes for the same data and seed',
    async (architecture) => {
      const bytes = async (seed: number) =>
        exportModel(await train(examples, { architecture, epochs: 2, seed, featurizer })).onnx;
      const first = await bytes(11);
      expect(Buffer.from(await bytes(11)).equals(Buffer.from(first))).toBe(true);
      expect(Buffer.from(await bytes(12)).equals(Buffer.from(first))).toBe(false);
    },
  );

  it('keeps the epoch that scores best on the chosen metric', async () => {
    const noisy = syntheticCatalogue(300, 5).map((e, i) => (i % 7 === 0 ? { ...e, label: 'Household' } : e));
    const model = await train(noisy, {
      epochs: 6,
      seed: 5,
      featurizer,
      bestModelMetric: 'eval_f1_min',
      c: 5,
    });
    const scores = model.history.map((h) => h.metrics.minF1);
    expect(model.bestEpoch).toBe(scores.indexOf(Math.max(...scores)) + 1);
    expect(model.metrics).toBe(model.history[model.bestEpoch - 1]?.metrics);
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

  it('rejects invalid options, mismatched featurizers, foreign labels and a set without validation rows', async () => {
    await expect(train(examples, { epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(train(examples, { c: 0 })).rejects.toThrow(/c must be/);
    await expect(train(examples, { pathTable: { minSupport: 0, minPurity: 1 } })).rejects.toThrow(
      /minSupport/,
    );
    await expect(train(examples, { featurizer: DEFAULT_FEATURIZER_SETTINGS })).rejects.toThrow(
      /hashed-ngrams-2/,
    );
    await expect(train(examples, { featurizer, labels: ['Beverages'] })).rejects.toThrow(
      /not in options.labels/,
    );
    const tiny = syntheticExamples(3, 1).filter((e) => !isValidationRow(e.text));
    await expect(train(tiny, { featurizer })).rejects.toThrow(
      /no validation examples.*explicit validation set/,
    );
  });
});
