import { createHash } from 'node:crypto';
import type { EmbeddingBagParameters } from './embedding-bag';
import type { ClassificationMetrics } from './evaluate';
import type { MeanBagFeaturizerSettings, SublinearFeaturizerSettings } from './featurizer-settings';
import { ARCHITECTURES, type Calibration, type TrainingSetRecord } from './model-manifest';
import type { PathLinearParameters } from './path-linear-model';
import type { PathEntry, PathTableOptions } from './path-table';
import type { Split } from './stratified-split';
import { TimeSlicer } from './time-slicer';
import { trainEmbeddingBag } from './train-embedding-bag';
import {
  type ClassBalancing,
  DEFAULT_LEARNING_RATES,
  DEFAULT_TRAIN_OPTIONS,
  type LabelledText,
  type Optimizer,
  type ResolvedTrainOptions,
  type TrainOptions,
} from './train-options';
import { trainPathLinear } from './train-path-linear';
import { checkRule, isValidationRow } from './validation-rule';

export interface EpochReport {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  /** Mean training loss over the epoch's updates: (class-weighted) cross-entropy, or the SVM's squared hinge. */
  readonly trainLoss: number;
  /** On the validation rows, as the model would serve (path-table-linear-svm: calibrated). */
  readonly metrics: ClassificationMetrics;
  readonly elapsedMs: number;
}

export interface TrainHooks {
  onEpoch?(report: EpochReport): void | Promise<void>;
  /**
   * Within epochs, at every yield to the event loop: the share of the whole training done (0..1). A long
   * epoch then still shows progress, so a watchdog on progress never mistakes a healthy training for a stuck one.
   */
  onProgress?(done: number): void | Promise<void>;
  /** How long training computes between turns of the event loop (and progress reports); default 20 ms. */
  sliceMs?: number;
}

interface TrainedCommon {
  readonly labels: readonly string[];
  readonly bestEpoch: number;
  readonly bestModelMetric: ResolvedTrainOptions['bestModelMetric'];
  /** Validation metrics of the best epoch (before any refit, which also trains on the validation rows). */
  readonly metrics: ClassificationMetrics;
  readonly history: readonly EpochReport[];
  readonly options: ResolvedTrainOptions;
  readonly trainingDataHash: string;
  /** Rows the served model was fitted on. */
  readonly trainingExamples: number;
  readonly validationExamples: number;
  readonly trainingSet: TrainingSetRecord;
}

export interface TrainedEmbeddingBag extends TrainedCommon {
  readonly architecture: 'embedding-bag';
  readonly options: ResolvedTrainOptions & {
    readonly dim: number;
    readonly optimizer: Optimizer;
    readonly learningRate: number;
    readonly classBalancing: ClassBalancing;
  };
  readonly featurizer: MeanBagFeaturizerSettings;
  /** The parameters of the best epoch, one embedding row per bucket. */
  readonly parameters: EmbeddingBagParameters;
}

export interface TrainedPathLinear extends TrainedCommon {
  readonly architecture: 'path-table-linear-svm';
  readonly options: ResolvedTrainOptions & { readonly c: number; readonly pathTable: PathTableOptions };
  readonly featurizer: SublinearFeaturizerSettings;
  readonly parameters: PathLinearParameters;
  readonly pathTable: PathTableOptions & { readonly entries: readonly PathEntry[] };
  readonly calibration: Calibration;
}

export type TrainedModel = TrainedEmbeddingBag | TrainedPathLinear;

/** What both trainers get: checked options, the split, the label order. */
export interface TrainingInput {
  readonly options: TrainOptions & { readonly learningRate: number };
  readonly split: Split<LabelledText>;
  readonly labels: readonly string[];
  /** Null when the caller gave the validation rows. */
  readonly validationRule: TrainOptions['validationRule'] | null;
  readonly trainingDataHash: string;
  /** Shared by every long loop of one training, so that none blocks the event loop for long. */
  readonly slicer: TimeSlicer;
}

/**
 * Trains a classifier of `options.architecture` (default: path-table-linear-svm) with an evaluation on the
 * validation rows after every epoch; deterministic for given examples and options. Validation rows are
 * `options.validation`, or those of `examples` that `options.validationRule` picks (a property of each
 * text, so they stay put as data grows). Runs on the caller's thread and yields to the event loop every
 * ~20 ms.
 */
export async function train(
  examples: readonly LabelledText[],
  options: Partial<TrainOptions> = {},
  hooks: TrainHooks = {},
): Promise<TrainedModel> {
  const merged: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const opts = { ...merged, learningRate: merged.learningRate ?? DEFAULT_LEARNING_RATES[merged.optimizer] };
  validateOptions(opts);
  const slicer = new TimeSlicer(hooks.onProgress && ((done) => hooks.onProgress?.(done)), hooks.sliceMs);
  const split = opts.validation
    ? { train: [...examples], validation: [...opts.validation] }
    : await splitInSlices(examples, opts.validationRule, slicer);
  if (split.train.length === 0) throw new RangeError('no training examples');
  if (split.validation.length === 0) {
    throw new RangeError(
      `no validation examples: the validation rule (fraction ${opts.validationRule.fraction}) picked none of ` +
        `${examples.length} examples; give more examples or an explicit validation set`,
    );
  }
  const input: TrainingInput = {
    options: opts,
    split,
    labels: opts.labels ? [...opts.labels] : [...new Set(examples.map((e) => e.label))].sort(),
    validationRule: opts.validation ? null : opts.validationRule,
    trainingDataHash:
      opts.trainingDataHash ?? (await hashExamples([...examples, ...(opts.validation ?? [])], slicer)),
    slicer,
  };
  return opts.architecture === 'embedding-bag'
    ? trainEmbeddingBag(input, hooks)
    : trainPathLinear(input, hooks);
}

function validateOptions(o: TrainOptions & { learningRate: number }): void {
  const problems: string[] = [];
  if (!ARCHITECTURES.includes(o.architecture))
    problems.push(`architecture must be one of ${ARCHITECTURES.join(', ')}`);
  if (!Number.isInteger(o.epochs) || o.epochs < 1) problems.push('epochs must be a positive integer');
  if (!Number.isInteger(o.seed)) problems.push('seed must be an integer');
  if (!['eval_f1', 'eval_f1_min'].includes(o.bestModelMetric))
    problems.push('bestModelMetric must be eval_f1 or eval_f1_min');
  try {
    checkRule(o.validationRule);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (o.architecture === 'embedding-bag') {
    if (!Number.isInteger(o.dim) || o.dim < 1) problems.push('dim must be a positive integer');
    if (!(o.learningRate > 0)) problems.push('learningRate must be positive');
    if (!['sgd', 'rowwise-adagrad'].includes(o.optimizer))
      problems.push('optimizer must be sgd or rowwise-adagrad');
    if (!['none', 'class-weights', 'oversample'].includes(o.classBalancing)) {
      problems.push('classBalancing must be none, class-weights or oversample');
    }
  } else {
    if (!(o.c > 0 && Number.isFinite(o.c))) problems.push('c must be a positive number');
    const { minSupport, minPurity } = o.pathTable;
    if (!(Number.isInteger(minSupport) && minSupport >= 1))
      problems.push('pathTable.minSupport must be a positive integer');
    if (!(minPurity > 0 && minPurity <= 1)) problems.push('pathTable.minPurity must be in (0, 1]');
  }
  if (problems.length > 0) throw new RangeError(`Invalid training options: ${problems.join('; ')}`);
}

/** splitByRule, in time slices: hashing 45,000 texts takes ~0.1 s. */
async function splitInSlices(
  examples: readonly LabelledText[],
  rule: TrainOptions['validationRule'],
  slicer: TimeSlicer,
): Promise<Split<LabelledText>> {
  const train: LabelledText[] = [];
  const validation: LabelledText[] = [];
  for (let i = 0; i < examples.length; i++) {
    if ((i & 255) === 255) await slicer.tick();
    const example = examples[i] as LabelledText;
    (isValidationRow(example.text, rule) ? validation : train).push(example);
  }
  return { train, validation };
}

async function hashExamples(examples: readonly LabelledText[], slicer: TimeSlicer): Promise<string> {
  const hash = createHash('sha256');
  for (let i = 0; i < examples.length; i++) {
    if ((i & 1023) === 1023) await slicer.tick();
    const e = examples[i] as LabelledText;
    hash.update(`${JSON.stringify(e.text)}\t${JSON.stringify(e.label)}\n`);
  }
  return hash.digest('hex');
}
