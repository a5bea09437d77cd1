import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticCatalogue } from '../test/synthetic-examples';
import { forward } from './embedding-bag';
import { type ExportedModel, exportModel } from './export-model';
import { Featurizer } from './featurizer';
import { FeaturizerMismatchError } from './featurizer-mismatch-error';
import { loadModel } from './load-model';
import { readModelFiles } from './model-files';
import { ModelFormatError } from './model-format-error';
import { forwardPathLinear } from './path-linear-model';
import { PathTable } from './path-table';
import { type TrainedModel, train } from './train';

const texts = [
  ...syntheticCatalogue(40, 77).map((e) => e.text),
  'unseen words only',
  '',
  'Crème Brûlée ☕',
  'tea',
  'laundry   Acme Dish Soap',
];
const architectures = ['path-table-linear-svm', 'embedding-bag'] as const;
const trained: Partial<Record<(typeof architectures)[number], TrainedModel>> = {};
const exported: Partial<Record<(typeof architectures)[number], ExportedModel>> = {};

beforeAll(async () => {
  for (const architecture of architectures) {
    const model = await train(syntheticCatalogue(400, 2), {
      architecture,
      epochs: 3,
      seed: 1,
      featurizer: { buckets: 2 ** 12 },
    });
    trained[architecture] = model;
    exported[architecture] = exportModel(model, { createdAt: new Date('2026-01-02T03:04:05Z') });
  }
});

/** What the TypeScript forward pass gives for one text. */
function expectedProbabilities(model: TrainedModel, text: string): Float32Array {
  const featurizer = new Featurizer(model.featurizer);
  const out = new Float32Array(model.labels.length);
  if (model.architecture === 'embedding-bag') {
    const { ids, weights, count } = featurizer.featurize(text);
    forward(model.parameters, ids, weights, 0, count, new Float32Array(model.parameters.dim), out);
  } else {
    const { row, end } = new PathTable(model.pathTable.entries, model.featurizer.pathWords).match(text);
    const { ids, weights, count } = featurizer.featurize(text.slice(end));
    forwardPathLinear(model.parameters, ids, weights, 0, count, row, out);
  }
  return out;
}

/** Loads a fixture model written by an older exporter and checks the predictions recorded with it. */
async function expectRecordedPredictions(fixture: string, manifest: Record<string, unknown>): Promise<void> {
  const dir = fileURLToPath(new URL(`./fixtures/${fixture}/`, import.meta.url));
  const expected = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as {
    text: string;
    label: string;
    probabilities: number[];
  }[];
  const predictor = await loadModel(await readModelFiles(dir));
  expect(predictor.manifest).toMatchObject(manifest);
  const predictions = await predictor.predict(expected.map((e) => e.text));
  await predictor.release();
  predictions.forEach((p, i) => {
    expect(p.label).toBe(expected[i]?.label);
    p.probabilities.forEach((q, c) => {
      expect(Math.abs(q - (expected[i]?.probabilities[c] as number))).toBeLessThan(1e-6);
    });
  });
}

describe.each(architectures)('exportModel + loadModel, %s', (architecture) => {
  const model = () => trained[architecture] as TrainedModel;
  const files = () => exported[architecture] as ExportedModel;

  it('runs the ONNX graph to the same probabilities as the trainer, within 1e-5', async () => {
    const predictor = await loadModel(files());
    const predictions = await predictor.predict(texts);
    await predictor.release();
    texts.forEach((text, i) => {
      const expected = expectedProbabilities(model(), text);
      const actual = predictions[i]?.probabilities ?? [];
      expect(actual).toHaveLength(expected.length);
      actual.forEach((p, c) => {
        expect(Math.abs(p - (expected[c] as number))).toBeLessThan(1e-5);
      });
      expect(predictions[i]?.confidence).toBe(Math.max(...actual));
      expect(predictions[i]?.label).toBe(model().labels[actual.indexOf(Math.max(...actual))]);
    });
  });

  it('writes a manifest with architecture, labels, featurizer, metrics, history and hashes', () => {
    const m = files().manifest;
    expect(m).toMatchObject({
      formatVersion: 3,
      architecture,
      inputLayout: architecture === 'embedding-bag' ? 'padded' : 'ragged',
    });
    expect(m.labels).toEqual(model().labels);
    expect(m.featurizerHash).toBe(new Featurizer(model().featurizer).hash);
    expect(m.history).toHaveLength(3);
    expect(m.metrics.f1).toBe(model().metrics.f1);
    expect(m.createdAt).toBe('2026-01-02T03:04:05.000Z');
    expect(m.trainingDataHash).toBe(model().trainingDataHash);
    expect(m.trainingSet?.fingerprint.kind).toBe('bloom-sha256');
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });

  it('gives the same answers for any batch size, and for the manifest as JSON text', async () => {
    const whole = await loadModel(files());
    const batched = await loadModel({
      onnx: files().onnx,
      manifest: JSON.stringify(files().manifest),
      batchSize: 7,
    });
    const [a, b] = await Promise.all([whole.predict(texts), batched.predict(texts)]);
    expect(b).toEqual(a);
    expect(batched.timings.rows).toBe(texts.length);
    await Promise.all([whole.release(), batched.release()]);
  });

  it('refuses a model whose featurizer this code does not reproduce', async () => {
    const { onnx, manifest } = files();
    const tamperedHash = { ...manifest, featurizerHash: 'f'.repeat(64) };
    await expect(loadModel({ onnx, manifest: tamperedHash })).rejects.toBeInstanceOf(FeaturizerMismatchError);
    const otherSettings = { ...manifest, featurizer: { ...manifest.featurizer, charNgrams: [3, 5] } };
    await expect(loadModel({ onnx, manifest: otherSettings as never })).rejects.toThrow(
      /trained with featurizer/,
    );
    const unknownAlgorithm = { ...manifest, featurizer: { ...manifest.featurizer, algorithm: 'x' } };
    await expect(loadModel({ onnx, manifest: unknownAlgorithm as never })).rejects.toBeInstanceOf(
      FeaturizerMismatchError,
    );
  });
});

describe('loadModel', () => {
  const linear = () => exported['path-table-linear-svm'] as ExportedModel;

  it("serves a model in today's format 1 (written by the exporter before architectures) unchanged", async () => {
    // Made at commit 7ae87d1: train(syntheticExamples(300, 2), { epochs: 3, seed: 1, dim: 4, buckets 2^10 }).
    await expectRecordedPredictions('embedding-bag-v1', {
      formatVersion: 1,
      architecture: 'embedding-bag',
      inputLayout: 'padded',
      trainingSet: null,
    });
  });

  it('answers a text with a known path with its table probabilities, whatever the name says', async () => {
    const model = trained['path-table-linear-svm'] as TrainedModel & {
      architecture: 'path-table-linear-svm';
    };
    const entry = model.pathTable.entries.find((e) => e.path === 'laundry');
    const predictor = await loadModel(linear());
    const [prediction] = await predictor.predict(['laundry Organic Bananas Fresh Green Tea']);
    await predictor.release();
    expect(prediction?.label).toBe('Household');
    expect(prediction?.confidence).toBeCloseTo(
      ((entry?.support ?? 0) + 2 / 3) / ((entry?.support ?? 0) + 2),
      5,
    );
  });

  it('serves a path-table model of format 2 (padded graph) unchanged', async () => {
    // Made at commit 97835b3: train(syntheticCatalogue(400, 2), { epochs: 3, seed: 1, featurizer:
    // { buckets: 2 ** 10 } }), exported with createdAt 2026-01-02, predictions of 18 texts recorded.
    await expectRecordedPredictions('path-table-linear-svm-v2', {
      formatVersion: 2,
      architecture: 'path-table-linear-svm',
      inputLayout: 'padded',
    });
  });

  it('gives the same answers from the padded and the ragged graph of one model', async () => {
    const model = trained['path-table-linear-svm'] as TrainedModel;
    const padded = exportModel(model, { inputLayout: 'padded' });
    expect(padded.manifest.inputLayout).toBe('padded');
    // Batches of 3 include ones where every row has a path, so the ragged graph gets only its padding entry.
    const withPaths = ['tea Acme', 'laundry Acme', 'paper goods x', ...texts];
    const [a, b] = [
      await loadModel({ ...padded, batchSize: 3 }),
      await loadModel({ ...linear(), batchSize: 3 }),
    ];
    const [fromPadded, fromRagged] = [await a.predict(withPaths), await b.predict(withPaths)];
    await Promise.all([a.release(), b.release()]);
    fromRagged.forEach((p, i) => {
      expect(p.label).toBe(fromPadded[i]?.label);
      p.probabilities.forEach((q, c) => {
        expect(Math.abs(q - (fromPadded[i]?.probabilities[c] as number))).toBeLessThan(1e-6);
      });
    });
  });

  it('gives the same ragged answers on one and on four onnxruntime threads, in batches big enough to split', async () => {
    // Over 100,000 features a run, so onnxruntime splits kernels across its threads: the answers must not
    // depend on how (a racing or reordering reduction would show here).
    const names = syntheticCatalogue(4096, 5).map((e) => e.text.replace(/^[a-z ]+ /, ''));
    const one = await loadModel({ ...linear(), batchSize: 4096, intraOpNumThreads: 1 });
    const four = await loadModel({ ...linear(), batchSize: 4096, intraOpNumThreads: 4 });
    expect(await four.predict(names)).toEqual(await one.predict(names));
    await Promise.all([one.release(), four.release()]);
  });

  it('answers overlapping predict calls correctly although they share buffers', async () => {
    const predictor = await loadModel({ ...linear(), batchSize: 4 });
    const reversed = [...texts].reverse();
    const sequential = [await predictor.predict(texts), await predictor.predict(reversed)];
    expect(await Promise.all([predictor.predict(texts), predictor.predict(reversed)])).toEqual(sequential);
    await predictor.release();
  });

  it('falls back to CPU when CUDA is requested but cannot be created', async () => {
    const cpu = await loadModel(linear());
    const cuda = await loadModel({ ...linear(), device: 'cuda' });
    expect(cuda.device).toBe('cpu');
    expect(cuda.fallbackReason).toMatch(/cuda/i);
    expect(await cuda.predict(texts)).toEqual(await cpu.predict(texts));
    expect(cpu.fallbackReason).toBeNull();
    await Promise.all([cpu.release(), cuda.release()]);
  });

  it('refuses a manifest of another format, architecture or ONNX file', async () => {
    const { onnx, manifest } = linear();
    await expect(
      loadModel({ onnx, manifest: { ...manifest, formatVersion: 4 } as never }),
    ).rejects.toBeInstanceOf(ModelFormatError);
    await expect(
      loadModel({ onnx, manifest: { ...manifest, inputLayout: 'sparse' } as never }),
    ).rejects.toThrow(/inputLayout "sparse"/);
    const bagFiles = exported['embedding-bag'] as ExportedModel;
    await expect(
      loadModel({ ...bagFiles, manifest: { ...bagFiles.manifest, inputLayout: 'ragged' } as never }),
    ).rejects.toThrow(/inputLayout "ragged" is not one this code serves for embedding-bag/);
    await expect(
      loadModel({ onnx, manifest: { ...manifest, architecture: 'transformer' } as never }),
    ).rejects.toThrow(/architecture "transformer"/);
    await expect(loadModel({ onnx: onnx.slice(1), manifest })).rejects.toThrow(/sha256/);
    await expect(loadModel({ onnx, manifest: '{not json' })).rejects.toBeInstanceOf(ModelFormatError);
    const { pathTable: _, ...noTable } = manifest as typeof manifest & { pathTable: unknown };
    await expect(loadModel({ onnx, manifest: noTable as never })).rejects.toThrow(/pathTable/);
    // The embedding bag's graph has no `path` input, the padded graph no `offsets`: paired with a ragged
    // linear manifest, both are refused.
    const model = trained['path-table-linear-svm'] as TrainedModel;
    for (const other of [bagFiles, exportModel(model, { inputLayout: 'padded' })]) {
      const mismatched = { ...manifest, onnxSha256: other.manifest.onnxSha256 };
      await expect(loadModel({ onnx: other.onnx, manifest: mismatched })).rejects.toThrow(
        /ragged inputs needs the inputs/,
      );
    }
  });
});
