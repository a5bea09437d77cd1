import type { FeaturizerSettings } from './featurizer-settings';

export interface LabelledText {
  readonly text: string;
  readonly label: string;
}

/** `eval_f1`: weighted F1; `eval_f1_min`: the lowest per-class F1. */
export type BestModelMetric = 'eval_f1' | 'eval_f1_min';

/**
 * `none`: every example counts once; `class-weights`: each example's loss is scaled by
 * n / (classes · n_class); `oversample`: every epoch draws extra examples of the smaller classes until each
 * class is as large as the largest.
 */
export type ClassBalancing = 'none' | 'class-weights' | 'oversample';

/**
 * How embedding rows step: `sgd` is fastText's plain SGD; `rowwise-adagrad` divides each row's step by the
 * root of its accumulated squared gradients. Both use the linearly decaying learning rate.
 */
export type Optimizer = 'sgd' | 'rowwise-adagrad';

export interface TrainOptions {
  readonly epochs: number;
  readonly seed: number;
  readonly bestModelMetric: BestModelMetric;
  /** Share of each class held out for per-epoch evaluation; ignored when `validation` is given. */
  readonly validationFraction: number;
  /** An explicit validation set; all of `examples` is then used for training. */
  readonly validation?: readonly LabelledText[];
  /** Embedding size. */
  readonly dim: number;
  readonly optimizer: Optimizer;
  /**
   * Starting learning rate; it decays linearly to 0 over all updates, as in fastText. Defaults to
   * DEFAULT_LEARNING_RATES[optimizer].
   */
  readonly learningRate?: number;
  readonly classBalancing: ClassBalancing;
  /** Overrides of the default featurizer settings (n-gram ranges, buckets, ...). */
  readonly featurizer?: Partial<FeaturizerSettings>;
  /** Class order of the model's output; defaults to the sorted distinct labels. */
  readonly labels?: readonly string[];
  /** Identifies the training data in the manifest; defaults to a sha256 over the examples. */
  readonly trainingDataHash?: string;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = Object.freeze({
  epochs: 10,
  seed: 42,
  bestModelMetric: 'eval_f1',
  validationFraction: 0.1,
  dim: 16,
  optimizer: 'rowwise-adagrad',
  classBalancing: 'none',
});

/** Per optimizer, as measured on a validation split of the real data (AdaGrad's steps are larger by design). */
export const DEFAULT_LEARNING_RATES: Readonly<Record<Optimizer, number>> = Object.freeze({
  sgd: 0.5,
  'rowwise-adagrad': 0.05,
});
