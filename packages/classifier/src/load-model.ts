import { createHash } from 'node:crypto';
import type ort from 'onnxruntime-node';
import type { BatchEncoder } from './batch-encoder';
import { Featurizer } from './featurizer';
import { FeaturizerMismatchError } from './featurizer-mismatch-error';
import { type Device, openSession } from './inference-session';
import { ModelFormatError } from './model-format-error';
import { type ModelManifest, parseManifest } from './model-manifest';
import { ONNX_OUTPUT } from './onnx-graph';
import { PaddedBatch } from './padded-batch';
import { PathTable } from './path-table';
import { RaggedBatch } from './ragged-batch';

export interface LoadModelOptions {
  readonly onnx: Uint8Array;
  /** The manifest object (as written by exportModel, or as read from JSON) or its JSON text. */
  readonly manifest: ModelManifest | string;
  /** `cuda` asks for the CUDA execution provider and falls back to CPU when it cannot be created. */
  readonly device?: Device;
  /** Texts per onnxruntime run. */
  readonly batchSize?: number;
  readonly intraOpNumThreads?: number;
}

export interface Prediction {
  readonly label: string;
  /** Probability of `label` (calibrated on held-out rows for path-table-linear-svm models). */
  readonly confidence: number;
  /** One probability per label, in the order of `Predictor.labels`. */
  readonly probabilities: readonly number[];
}

/** Cumulative figures since loading: time in the featurizer and in onnxruntime's run. */
export interface PredictorTimings {
  readonly rows: number;
  readonly featurizeMs: number;
  readonly inferenceMs: number;
}

export interface Predictor {
  readonly labels: readonly string[];
  readonly manifest: ModelManifest;
  /** Where the session runs: `cpu` when CUDA was asked for but could not be used. */
  readonly device: Device;
  readonly fallbackReason: string | null;
  readonly timings: PredictorTimings;
  predict(texts: readonly string[]): Promise<Prediction[]>;
  release(): Promise<void>;
}

const DEFAULT_BATCH_SIZE = 1024;

/**
 * Checks that the manifest belongs to the ONNX bytes and that this code's featurizer reproduces the one the
 * model was trained with, then opens an onnxruntime session. Serves every architecture of
 * `ARCHITECTURES` in each of its `INPUT_LAYOUTS`, in manifest format 1 (embedding bag, before
 * architectures existed), 2 (padded inputs) or 3.
 */
export async function loadModel(options: LoadModelOptions): Promise<Predictor> {
  const manifest = parseManifest(options.manifest);
  const onnxSha256 = createHash('sha256').update(options.onnx).digest('hex');
  if (onnxSha256 !== manifest.onnxSha256) {
    throw new ModelFormatError(
      `ONNX bytes (sha256 ${onnxSha256}) are not the model of this manifest (sha256 ${manifest.onnxSha256})`,
    );
  }
  const featurizer = featurizerFor(manifest);
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const encoder = encoderFor(manifest, featurizer, batchSize);
  const opened = await openSession(options.onnx, options);
  const { session } = opened;
  const { inputs } = encoder;
  if (
    !inputs.every((name) => session.inputNames.includes(name)) ||
    !session.outputNames.includes(ONNX_OUTPUT)
  ) {
    await session.release();
    throw new ModelFormatError(
      `ONNX graph of a ${manifest.architecture} model with ${manifest.inputLayout} inputs needs the inputs ` +
        `${inputs.join(', ')} and the output ${ONNX_OUTPUT}`,
    );
  }
  return new OnnxPredictor(manifest, encoder, session, opened.device, opened.fallbackReason, batchSize);
}

function encoderFor(manifest: ModelManifest, featurizer: Featurizer, batchSize: number): BatchEncoder {
  if (manifest.architecture === 'embedding-bag') return new PaddedBatch(featurizer, null, batchSize);
  const paths = new PathTable(manifest.pathTable.entries, manifest.featurizer.pathWords);
  return manifest.inputLayout === 'ragged'
    ? new RaggedBatch(featurizer, paths, manifest.labels.length, batchSize)
    : new PaddedBatch(featurizer, paths, batchSize);
}

function featurizerFor(manifest: ModelManifest): Featurizer {
  let featurizer: Featurizer;
  try {
    featurizer = new Featurizer(manifest.featurizer);
  } catch (error) {
    throw new FeaturizerMismatchError(
      `model's featurizer settings are not supported by this code: ${(error as Error).message}`,
      manifest.featurizerHash,
      null,
    );
  }
  if (featurizer.hash !== manifest.featurizerHash) {
    throw new FeaturizerMismatchError(
      `model was trained with featurizer ${manifest.featurizerHash}, but this code featurizes its settings ` +
        `${JSON.stringify(manifest.featurizer)} as ${featurizer.hash}: retrain the model or serve it with the ` +
        'classifier version that trained it',
      manifest.featurizerHash,
      featurizer.hash,
    );
  }
  return featurizer;
}

class OnnxPredictor implements Predictor {
  readonly labels: readonly string[];
  readonly timings = { rows: 0, featurizeMs: 0, inferenceMs: 0 };
  // predict() awaits the session with the encoder's buffers, so concurrent calls queue behind each other.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly manifest: ModelManifest,
    readonly encoder: BatchEncoder,
    readonly session: ort.InferenceSession,
    readonly device: Device,
    readonly fallbackReason: string | null,
    readonly batchSize: number,
  ) {
    this.labels = manifest.labels;
  }

  predict(texts: readonly string[]): Promise<Prediction[]> {
    const result = this.#queue.then(() => this.#predictAll(texts));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async release(): Promise<void> {
    await this.#queue;
    await this.session.release();
  }

  async #predictAll(texts: readonly string[]): Promise<Prediction[]> {
    const predictions: Prediction[] = [];
    for (let start = 0; start < texts.length; start += this.batchSize) {
      await this.#predictBatch(texts, start, Math.min(start + this.batchSize, texts.length), predictions);
    }
    return predictions;
  }

  async #predictBatch(
    texts: readonly string[],
    start: number,
    end: number,
    into: Prediction[],
  ): Promise<void> {
    const rows = end - start;
    const started = performance.now();
    const feeds = this.encoder.encode(texts, start, end);
    const featurized = performance.now();
    const output = await this.session.run(feeds);
    const ran = performance.now();
    const probabilities = output[ONNX_OUTPUT]?.data as Float32Array;
    const classes = this.labels.length;
    for (let i = 0; i < rows; i++) {
      // A plain loop: Array.from on a subarray costs more than featurizing the text did.
      const p = new Array<number>(classes);
      let best = 0;
      for (let c = 0; c < classes; c++) {
        p[c] = probabilities[i * classes + c] as number;
        if ((p[c] as number) > (p[best] as number)) best = c;
      }
      into.push({ label: this.labels[best] as string, confidence: p[best] as number, probabilities: p });
    }
    this.timings.rows += rows;
    this.timings.featurizeMs += featurized - started;
    this.timings.inferenceMs += ran - featurized;
  }
}
