import { createHash } from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  copyParameters,
  type EmbeddingBagParameters,
  evaluateParameters,
  initialParameters,
  perBucket,
} from './embedding-bag';
import type { ClassificationMetrics } from './evaluate';
import { Featurizer } from './featurizer';
import { DEFAULT_FEATURIZER_SETTINGS, type FeaturizerSettings } from './featurizer-settings';
import { createRandom, shuffleInPlace } from './random';
import { Sgd } from './sgd';
import { stratifiedSplit } from './stratified-split';
import {
  type BestModelMetric,
  DEFAULT_LEARNING_RATES,
  DEFAULT_TRAIN_OPTIONS,
  type LabelledText,
  type TrainOptions,
} from './train-options';
import { buildTrainingSet, classWeights, oversampledIndices } from './training-set';

export interface EpochReport {
  /** 1-based. */
  readonly epoch: number;
  readonly epochs: number;
  /** Mean (class-weighted) cross-entropy over the epoch's training updates. */
  readonly trainLoss: number;
  readonly metrics: ClassificationMetrics;
  readonly elapsedMs: number;
}

export interface TrainHooks {
  onEpoch?(report: EpochReport): void | Promise<void>;
}

export interface TrainedModel {
  readonly labels: readonly string[];
  readonly featurizer: FeaturizerSettings;
  /** The parameters of the best epoch, one embedding row per bucket. */
  readonly parameters: EmbeddingBagParameters;
  readonly bestEpoch: number;
  readonly bestModelMetric: BestModelMetric;
  /** Validation metrics of the best epoch. */
  readonly metrics: ClassificationMetrics;
  readonly history: readonly EpochReport[];
  readonly options: Required<Omit<TrainOptions, 'validation' | 'featurizer' | 'labels' | 'trainingDataHash'>>;
  readonly trainingDataHash: string;
  readonly trainingExamples: number;
  readonly validationExamples: number;
}

// Long enough to amortise the yield, short enough that timers and I/O of the caller stay responsive.
const SLICE_MS = 20;

/**
 * Trains the embedding-bag classifier with SGD (plain or row-wise AdaGrad) on typed arrays, evaluating on the
 * validation set after every
 * epoch and keeping the parameters of the best one. Deterministic for given examples, options and seed.
 * Runs on the caller's thread but yields to the event loop every few milliseconds.
 */
export async function train(
  examples: readonly LabelledText[],
  options: Partial<TrainOptions> = {},
  hooks: TrainHooks = {},
): Promise<TrainedModel> {
  const merged: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  const opts = { ...merged, learningRate: merged.learningRate ?? DEFAULT_LEARNING_RATES[merged.optimizer] };
  validateOptions(opts);
  const featurizer = new Featurizer({ ...DEFAULT_FEATURIZER_SETTINGS, ...opts.featurizer });
  const split = opts.validation
    ? { train: [...examples], validation: [...opts.validation] }
    : stratifiedSplit(examples, opts.validationFraction, opts.seed);
  if (split.train.length === 0) throw new RangeError('no training examples');
  if (split.validation.length === 0) throw new RangeError('no validation examples: raise validationFraction');
  const labels = opts.labels ? [...opts.labels] : [...new Set(examples.map((e) => e.label))].sort();
  const data = buildTrainingSet(featurizer, split.train, split.validation, labels);

  const random = createRandom(opts.seed);
  const params = initialParameters(data.rows, opts.dim, labels.length, random);
  const weights = classWeights(data.trainTargets, labels.length, opts.classBalancing);
  const sgd = new Sgd(params, data.trainFeatures, data.trainTargets, weights, opts.optimizer);
  const epochOrder = (): Int32Array =>
    shuffleInPlace(
      opts.classBalancing === 'oversample'
        ? oversampledIndices(data.trainTargets, labels.length, random)
        : Int32Array.from(data.trainTargets, (_, i) => i),
      random,
    );

  const history: EpochReport[] = [];
  let best: { epoch: number; score: number; params: EmbeddingBagParameters } | null = null;
  const started = performance.now();
  let totalSteps = 0;
  let step = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const order = epochOrder();
    // Epoch sizes are equal (oversampling draws to fixed class sizes), so the schedule's length is known now.
    if (epoch === 1) totalSteps = order.length * opts.epochs;
    let lossSum = 0;
    let sliceStart = performance.now();
    for (let i = 0; i < order.length; i++) {
      lossSum += sgd.step(order[i] as number, opts.learningRate * (1 - step / totalSteps));
      step++;
      if ((i & 255) === 255 && performance.now() - sliceStart > SLICE_MS) {
        await yieldToEventLoop();
        sliceStart = performance.now();
      }
    }
    const metrics = evaluateParameters(params, labels, data.validationFeatures, data.validationTargets);
    const report = {
      epoch,
      epochs: opts.epochs,
      trainLoss: lossSum / order.length,
      metrics,
      elapsedMs: performance.now() - started,
    };
    history.push(report);
    const score = opts.bestModelMetric === 'eval_f1' ? metrics.f1 : metrics.minF1;
    if (best === null || score > best.score) best = { epoch, score, params: copyParameters(params) };
    await hooks.onEpoch?.(report);
    await yieldToEventLoop();
  }
  if (best === null) throw new RangeError('epochs must be at least 1');
  const bestEpoch = best.epoch;
  return {
    labels,
    featurizer: featurizer.settings,
    parameters: perBucket(best.params, data.rowOfBucket),
    bestEpoch,
    bestModelMetric: opts.bestModelMetric,
    metrics: (history[bestEpoch - 1] as EpochReport).metrics,
    history,
    options: {
      epochs: opts.epochs,
      seed: opts.seed,
      bestModelMetric: opts.bestModelMetric,
      validationFraction: opts.validationFraction,
      dim: opts.dim,
      optimizer: opts.optimizer,
      learningRate: opts.learningRate,
      classBalancing: opts.classBalancing,
    },
    trainingDataHash: opts.trainingDataHash ?? hashExamples([...examples, ...(opts.validation ?? [])]),
    trainingExamples: split.train.length,
    validationExamples: split.validation.length,
  };
}

function validateOptions(o: TrainOptions & { learningRate: number }): void {
  const problems: string[] = [];
  if (!Number.isInteger(o.epochs) || o.epochs < 1) problems.push('epochs must be a positive integer');
  if (!Number.isInteger(o.seed)) problems.push('seed must be an integer');
  if (!Number.isInteger(o.dim) || o.dim < 1) problems.push('dim must be a positive integer');
  if (!(o.learningRate > 0)) problems.push('learningRate must be positive');
  if (!['eval_f1', 'eval_f1_min'].includes(o.bestModelMetric))
    problems.push('bestModelMetric must be eval_f1 or eval_f1_min');
  if (!['sgd', 'rowwise-adagrad'].includes(o.optimizer))
    problems.push('optimizer must be sgd or rowwise-adagrad');
  if (!['none', 'class-weights', 'oversample'].includes(o.classBalancing)) {
    problems.push('classBalancing must be none, class-weights or oversample');
  }
  if (problems.length > 0) throw new RangeError(`Invalid training options: ${problems.join('; ')}`);
}

function hashExamples(examples: readonly LabelledText[]): string {
  const hash = createHash('sha256');
  for (const e of examples) hash.update(`${JSON.stringify(e.text)}\t${JSON.stringify(e.label)}\n`);
  return hash.digest('hex');
}
