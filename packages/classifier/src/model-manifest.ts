import type { ClassificationMetrics } from './evaluate';
import type {
  FeaturizerSettings,
  MeanBagFeaturizerSettings,
  SublinearFeaturizerSettings,
} from './featurizer-settings';
import { ModelFormatError } from './model-format-error';
import type { PathEntry, PathTableOptions } from './path-table';
import type { BestModelMetric, ClassBalancing, Optimizer } from './train-options';
import type { TrainingFingerprint } from './training-fingerprint';
import type { ValidationRule } from './validation-rule';

/**
 * Written by this code. Still read: format 1 (the first embedding bag, no `architecture`) and format 2
 * (no `inputLayout`: every graph took padded inputs).
 */
export const MANIFEST_FORMAT_VERSION = 3;

/**
 * `embedding-bag`: hashed n-grams → embedding bag → linear → softmax (the first model).
 * `path-table-linear-svm`: a learned table of category paths, and for texts without a known path a
 * one-vs-rest linear SVM over sublinear, L2-normalised hashed n-grams, temperature-calibrated.
 */
export type Architecture = 'embedding-bag' | 'path-table-linear-svm';
export const ARCHITECTURES: readonly Architecture[] = ['embedding-bag', 'path-table-linear-svm'];

/**
 * How the graph takes its features. `padded`: `ids` and `weights` [batch, maxLength], padding weighted 0.
 * `ragged`: only the real features of all rows back to back, with per-row `offsets` (see
 * buildRaggedPathLinearOnnxGraph), so the graph's work follows the features a batch really has.
 */
export type InputLayout = 'padded' | 'ragged';
/** The layouts the loader serves per architecture. */
export const INPUT_LAYOUTS: Readonly<Record<Architecture, readonly InputLayout[]>> = {
  'embedding-bag': ['padded'],
  'path-table-linear-svm': ['padded', 'ragged'],
};

export interface EpochSummary {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly metrics: ClassificationMetrics;
}

/** What a model was fitted on, so that two models can be compared on rows neither of them saw. */
export interface TrainingSetRecord {
  /** How the validation rows were chosen; null when the caller passed them in. */
  readonly validationRule: ValidationRule | null;
  /** The final model was fitted on the validation rows too (after they chose epochs and calibration). */
  readonly refit: boolean;
  /** The texts the served model was fitted on. */
  readonly fingerprint: TrainingFingerprint;
}

export interface Calibration {
  readonly method: 'temperature';
  /** Name-model scores are divided by it (already folded into the graph's weights). */
  readonly temperature: number;
  /** Validation rows the temperature was fitted on (those without a table path). */
  readonly rows: number;
  /** Expected calibration error (10 bins) on all validation rows, with temperature 1 and with `temperature`. */
  readonly eceBefore: number;
  readonly eceAfter: number;
}

interface CommonManifest {
  /** 1 for manifests written before architectures existed; `parseManifest` fills in their `architecture`. */
  readonly formatVersion: 1 | 2 | typeof MANIFEST_FORMAT_VERSION;
  readonly architecture: Architecture;
  /** Recorded from format 3 on; `parseManifest` reads older manifests as `padded`. */
  readonly inputLayout: InputLayout;
  /** Output order of the graph's `probabilities`. */
  readonly labels: readonly string[];
  readonly featurizer: FeaturizerSettings;
  readonly featurizerHash: string;
  /** sha256 of the ONNX bytes, so a manifest cannot be paired with another model's graph. */
  readonly onnxSha256: string;
  readonly bestEpoch: number;
  readonly bestModelMetric: BestModelMetric;
  /** Validation metrics of the best epoch. */
  readonly metrics: ClassificationMetrics;
  readonly history: readonly EpochSummary[];
  /** Null for format 1, which did not record it. */
  readonly trainingSet: TrainingSetRecord | null;
  readonly trainingDataHash: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

export interface EmbeddingBagManifest extends CommonManifest {
  readonly architecture: 'embedding-bag';
  readonly featurizer: MeanBagFeaturizerSettings;
  readonly training: {
    readonly epochs: number;
    readonly seed: number;
    readonly dim: number;
    readonly optimizer: Optimizer;
    readonly learningRate: number;
    readonly classBalancing: ClassBalancing;
    readonly validationFraction: number;
    readonly trainingExamples: number;
    readonly validationExamples: number;
  };
}

export interface PathLinearManifest extends CommonManifest {
  readonly formatVersion: 2 | typeof MANIFEST_FORMAT_VERSION;
  readonly architecture: 'path-table-linear-svm';
  readonly featurizer: SublinearFeaturizerSettings;
  /** Row r of the graph's path tables is `entries[r − 1]`. */
  readonly pathTable: PathTableOptions & { readonly entries: readonly PathEntry[] };
  readonly calibration: Calibration;
  readonly training: {
    readonly epochs: number;
    readonly seed: number;
    /** The SVM's C. */
    readonly c: number;
    readonly trainingExamples: number;
    readonly validationExamples: number;
  };
}

/** Travels beside model.onnx: what the graph's outputs mean and how its inputs must be made. */
export type ModelManifest = EmbeddingBagManifest | PathLinearManifest;

/**
 * Parses and checks the manifest's shape (format 1 is read as `embedding-bag` with no training-set
 * record, formats 1 and 2 as `padded` inputs); the featurizer and ONNX checks happen when the model is
 * loaded.
 */
export function parseManifest(input: string | unknown): ModelManifest {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new ModelFormatError(`manifest is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (typeof value !== 'object' || value === null)
    throw new ModelFormatError('manifest is not a JSON object');
  const m = value as Record<string, unknown>;
  if (m.formatVersion !== 1 && m.formatVersion !== 2 && m.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw new ModelFormatError(
      `manifest formatVersion ${JSON.stringify(m.formatVersion)} is not supported (expected 1 to ${MANIFEST_FORMAT_VERSION})`,
    );
  }
  const architecture = m.formatVersion === 1 ? 'embedding-bag' : m.architecture;
  if (!ARCHITECTURES.includes(architecture as Architecture)) {
    throw new ModelFormatError(
      `manifest architecture ${JSON.stringify(architecture)} is not one this code serves (${ARCHITECTURES.join(', ')})`,
    );
  }
  const missing = ['featurizerHash', 'onnxSha256', 'createdAt', 'trainingDataHash'].filter(
    (key) => typeof m[key] !== 'string',
  );
  if (!Array.isArray(m.labels) || m.labels.length < 2 || !m.labels.every((l) => typeof l === 'string')) {
    missing.push('labels');
  }
  const objects = ['featurizer', 'metrics', 'training'];
  if (m.formatVersion !== 1) objects.push('trainingSet');
  if (architecture === 'path-table-linear-svm') objects.push('pathTable', 'calibration');
  for (const key of objects) if (typeof m[key] !== 'object' || m[key] === null) missing.push(key);
  if (!Array.isArray(m.history)) missing.push('history');
  const table = m.pathTable as { entries?: unknown } | undefined;
  if (architecture === 'path-table-linear-svm' && table && !Array.isArray(table.entries))
    missing.push('pathTable.entries');
  if (missing.length > 0) throw new ModelFormatError(`manifest lacks or mistypes: ${missing.join(', ')}`);
  const inputLayout = m.formatVersion === MANIFEST_FORMAT_VERSION ? m.inputLayout : 'padded';
  const layouts = INPUT_LAYOUTS[architecture as Architecture];
  if (!layouts.includes(inputLayout as InputLayout)) {
    throw new ModelFormatError(
      `manifest inputLayout ${JSON.stringify(inputLayout)} is not one this code serves for ${architecture} (${layouts.join(', ')})`,
    );
  }
  if (m.formatVersion === 1)
    return { ...m, architecture, inputLayout, trainingSet: null } as unknown as ModelManifest;
  if (m.formatVersion === 2) return { ...m, inputLayout } as unknown as ModelManifest;
  return value as ModelManifest;
}
