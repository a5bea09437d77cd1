import { createHash } from 'node:crypto';
import ort from 'onnxruntime-node';
import { Featurizer } from './featurizer';
import { FeaturizerMismatchError } from './featurizer-mismatch-error';
import { type Device, openSession } from './inference-session';
import { ModelFormatError } from './model-format-error';
import { type ModelManifest, parseManifest } from './model-manifest';
import { ONNX_INPUT_IDS, ONNX_INPUT_PATH, ONNX_INPUT_WEIGHTS, ONNX_OUTPUT } from './onnx-graph';
import { PathTable } from './path-table';

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
 * `ARCHITECTURES`, in manifest format 1 (embedding bag, before architectures existed) or 2.
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
  const paths =
    manifest.architecture === 'path-table-linear-svm'
      ? new PathTable(manifest.pathTable.entries, manifest.featurizer.pathWords)
      : null;
  const opened = await openSession(options.onnx, options);
  const { session } = opened;
  const inputs = [ONNX_INPUT_IDS, ONNX_INPUT_WEIGHTS, ...(paths ? [ONNX_INPUT_PATH] : [])];
  if (
    !inputs.every((name) => session.inputNames.includes(name)) ||
    !session.outputNames.includes(ONNX_OUTPUT)
  ) {
    await session.release();
    throw new ModelFormatError(
      `ONNX graph of a ${manifest.architecture} model needs the inputs ${inputs.join(', ')} and the output ${ONNX_OUTPUT}`,
    );
  }
  return new OnnxPredictor(
    manifest,
    featurizer,
    paths,
    session,
    opened.device,
    opened.fallbackReason,
    options.batchSize,
  );
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
  readonly #batchSize: number;
  readonly #ids: Int32Array;
  readonly #weights: Float32Array;
  readonly #pathRows: Int32Array;
  readonly #match = { row: 0, end: 0 };
  // predict() awaits the session with shared buffers, so concurrent calls queue behind each other.
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly manifest: ModelManifest,
    readonly featurizer: Featurizer,
    /** The category-path table, for architectures that have one. */
    readonly paths: PathTable | null,
    readonly session: ort.InferenceSession,
    readonly device: Device,
    readonly fallbackReason: string | null,
    batchSize = DEFAULT_BATCH_SIZE,
  ) {
    this.labels = manifest.labels;
    this.#batchSize = batchSize;
    this.#ids = new Int32Array(batchSize * featurizer.settings.maxLength);
    this.#weights = new Float32Array(batchSize * featurizer.settings.maxLength);
    this.#pathRows = new Int32Array(batchSize);
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
    for (let start = 0; start < texts.length; start += this.#batchSize) {
      await this.#predictBatch(texts, start, Math.min(start + this.#batchSize, texts.length), predictions);
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
    const length = this.featurizer.settings.maxLength;
    const started = performance.now();
    const { paths } = this;
    for (let i = 0; i < rows; i++) {
      const text = texts[start + i] as string;
      let nameStart = 0;
      if (paths) {
        nameStart = paths.match(text, this.#match).end;
        this.#pathRows[i] = this.#match.row;
      }
      this.featurizer.featurizeInto(text, this.#ids, this.#weights, i * length, nameStart);
    }
    const featurized = performance.now();
    const feeds: Record<string, ort.Tensor> = {
      [ONNX_INPUT_IDS]: new ort.Tensor('int32', this.#ids.subarray(0, rows * length), [rows, length]),
      [ONNX_INPUT_WEIGHTS]: new ort.Tensor('float32', this.#weights.subarray(0, rows * length), [
        rows,
        length,
      ]),
    };
    if (paths) feeds[ONNX_INPUT_PATH] = new ort.Tensor('int32', this.#pathRows.subarray(0, rows), [rows]);
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
