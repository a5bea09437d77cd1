import { beforeAll, describe, expect, it } from 'vitest';
import { forward } from './embedding-bag';
import { type ExportedModel, exportModel } from './export-model';
import { Featurizer } from './featurizer';
import { FeaturizerMismatchError } from './featurizer-mismatch-error';
import { DEFAULT_FEATURIZER_SETTINGS } from './featurizer-settings';
import { loadModel } from './load-model';
import { ModelFormatError } from './model-format-error';
import { syntheticExamples } from './synthetic-examples.test-support';
import { type TrainedModel, train } from './train';

const texts = [...syntheticExamples(40, 77).map((e) => e.text), 'unseen words only', '', 'Crème Brûlée ☕'];
let trained: TrainedModel;
let exported: ExportedModel;

beforeAll(async () => {
  trained = await train(syntheticExamples(300, 2), {
    epochs: 3,
    seed: 1,
    featurizer: { ...DEFAULT_FEATURIZER_SETTINGS, buckets: 2 ** 12 },
  });
  exported = exportModel(trained, { createdAt: new Date('2026-01-02T03:04:05Z') });
});

describe('exportModel + loadModel', () => {
  it('runs the ONNX graph to the same probabilities as the trainer, within 1e-5', async () => {
    const predictor = await loadModel(exported);
    const predictions = await predictor.predict(texts);
    await predictor.release();
    const featurizer = new Featurizer(trained.featurizer);
    const hidden = new Float32Array(trained.parameters.dim);
    const expected = new Float32Array(trained.labels.length);
    texts.forEach((text, i) => {
      const { ids, weights, count } = featurizer.featurize(text);
      forward(trained.parameters, ids, weights, 0, count, hidden, expected);
      const actual = predictions[i]?.probabilities ?? [];
      expect(actual).toHaveLength(expected.length);
      actual.forEach((p, c) => {
        expect(Math.abs(p - (expected[c] as number))).toBeLessThan(1e-5);
      });
      expect(predictions[i]?.confidence).toBe(Math.max(...actual));
      expect(predictions[i]?.label).toBe(trained.labels[actual.indexOf(Math.max(...actual))]);
    });
  });

  it('writes a manifest with labels, featurizer, metrics, history and hashes', () => {
    const m = exported.manifest;
    expect(m.formatVersion).toBe(1);
    expect(m.labels).toEqual(trained.labels);
    expect(m.featurizerHash).toBe(new Featurizer(trained.featurizer).hash);
    expect(m.history).toHaveLength(3);
    expect(m.metrics.f1).toBe(trained.metrics.f1);
    expect(m.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(m.trainingDataHash).toBe(trained.trainingDataHash);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('gives the same answers for any batch size, and for the manifest as JSON text', async () => {
    const whole = await loadModel(exported);
    const batched = await loadModel({
      onnx: exported.onnx,
      manifest: JSON.stringify(exported.manifest),
      batchSize: 7,
    });
    const [a, b] = await Promise.all([whole.predict(texts), batched.predict(texts)]);
    expect(b).toEqual(a);
    expect(batched.timings.rows).toBe(texts.length);
    await Promise.all([whole.release(), batched.release()]);
  });

  it('answers overlapping predict calls correctly although they share buffers', async () => {
    const predictor = await loadModel({ ...exported, batchSize: 4 });
    const reversed = [...texts].reverse();
    const sequential = [await predictor.predict(texts), await predictor.predict(reversed)];
    expect(await Promise.all([predictor.predict(texts), predictor.predict(reversed)])).toEqual(sequential);
    await predictor.release();
  });

  it('falls back to CPU when CUDA is requested but cannot be created', async () => {
    const cpu = await loadModel(exported);
    const cuda = await loadModel({ ...exported, device: 'cuda' });
    expect(cuda.device).toBe('cpu');
    expect(cuda.fallbackReason).toMatch(/cuda/i);
    expect(await cuda.predict(texts)).toEqual(await cpu.predict(texts));
    expect(cpu.fallbackReason).toBeNull();
    await Promise.all([cpu.release(), cuda.release()]);
  });

  it('refuses a model whose featurizer this code does not reproduce', async () => {
    const tamperedHash = { ...exported.manifest, featurizerHash: 'f'.repeat(64) };
    await expect(loadModel({ onnx: exported.onnx, manifest: tamperedHash })).rejects.toBeInstanceOf(
      FeaturizerMismatchError,
    );
    const otherSettings = {
      ...exported.manifest,
      featurizer: { ...exported.manifest.featurizer, charNgrams: [3, 5] },
    };
    await expect(loadModel({ onnx: exported.onnx, manifest: otherSettings as never })).rejects.toThrow(
      /trained with featurizer/,
    );
    const unknownAlgorithm = {
      ...exported.manifest,
      featurizer: { ...exported.manifest.featurizer, algorithm: 'x' },
    };
    await expect(
      loadModel({ onnx: exported.onnx, manifest: unknownAlgorithm as never }),
    ).rejects.toBeInstanceOf(FeaturizerMismatchError);
  });

  it('refuses a manifest of another format or of another ONNX file', async () => {
    await expect(
      loadModel({ onnx: exported.onnx, manifest: { ...exported.manifest, formatVersion: 2 } as never }),
    ).rejects.toBeInstanceOf(ModelFormatError);
    await expect(loadModel({ onnx: exported.onnx.slice(1), manifest: exported.manifest })).rejects.toThrow(
      /sha256/,
    );
    await expect(loadModel({ onnx: exported.onnx, manifest: '{not json' })).rejects.toBeInstanceOf(
      ModelFormatError,
    );
  });
});
