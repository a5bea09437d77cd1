import type { ClassificationMetrics } from './evaluate';
import type { FeaturizerSettings } from './featurizer-settings';
import { ModelFormatError } from './model-format-error';
import type { BestModelMetric, ClassBalancing, Optimizer } from './train-options';

export const MANIFEST_FORMAT_VERSION = 1;

export interface EpochSummary {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly metrics: ClassificationMetrics;
}

/** Travels beside model.onnx: what the graph's outputs mean and how its inputs must be made. */
export interface ModelManifest {
  readonly formatVersion: typeof MANIFEST_FORMAT_VERSION;
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
  readonly trainingDataHash: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** Parses and checks the manifest's shape; the featurizer and ONNX checks happen when the model is loaded. */
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
  if (m.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw new ModelFormatError(
      `manifest formatVersion ${JSON.stringify(m.formatVersion)} is not supported (expected ${MANIFEST_FORMAT_VERSION})`,
    );
  }
  const missing = ['featurizerHash', 'onnxSha256', 'createdAt', 'trainingDataHash'].filter(
    (key) => typeof m[key] !== 'string',
  );
  if (!Array.isArray(m.labels) || m.labels.length < 2 || !m.labels.every((l) => typeof l === 'string')) {
    missing.push('labels');
  }
  if (typeof m.featurizer !== 'object' || m.featurizer === null) missing.push('featurizer');
  if (typeof m.metrics !== 'object' || m.metrics === null) missing.push('metrics');
  if (!Array.isArray(m.history)) missing.push('history');
  if (missing.length > 0) throw new ModelFormatError(`manifest lacks or mistypes: ${missing.join(', ')}`);
  return value as ModelManifest;
}
