import type { FeaturizerSettings } from './featurizer-settings';
import type { Architecture } from './model-manifest';
import type { PathTableOptions } from './path-table';
import { DEFAULT_VALIDATION_RULE, type ValidationRule } from './validation-rule';

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
  readonly architecture: Architecture;
  /** Passes over the training rows (SVM: coordinate-descent sweeps), each followed by an evaluation. */
  readonly epochs: number;
  /** Seeds shuffles and initial weights (not the validation rule, which has its own seed). */
  readonly seed: number;
  /** Chooses the epoch kept (and, with `refit`, the number of passes of the final fit). */
  readonly bestModelMetric: BestModelMetric;
  /** Which of `examples` are validation rows; ignored when `validation` is given. */
  readonly validationRule: ValidationRule;
  /** An explicit validation set; all of `examples` is then used for training and nothing is refitted. */
  readonly validation?: readonly LabelledText[];
  /**
   * path-table-linear-svm: after validation chose the epochs and the temperature, fit the final model on
   * all examples, validation rows included (they are then no longer unseen: see `trainingSet`).
   */
  readonly refit: boolean;
  /** path-table-linear-svm: the SVM's C (larger: less regularisation). */
  readonly c: number;
  /** path-table-linear-svm: which category paths enter the table. */
  readonly pathTable: PathTableOptions;
  /** embedding-bag: embedding size. */
  readonly dim: number;
  /** embedding-bag. */
  readonly optimizer: Optimizer;
  /**
   * embedding-bag: starting learning rate; it decays linearly to 0 over all updates, as in fastText.
   * Defaults to DEFAULT_LEARNING_RATES[optimizer].
   */
  readonly learningRate?: number;
  /** embedding-bag. */
  readonly classBalancing: ClassBalancing;
  /** Overrides of the architecture's default featurizer settings (n-gram ranges, buckets, ...). */
  readonly featurizer?: Partial<FeaturizerSettings>;
  /** Class order of the model's output; defaults to the sorted distinct labels. */
  readonly labels?: readonly string[];
  /** Identifies the training data in the manifest; defaults to a sha256 over the examples. */
  readonly trainingDataHash?: string;
}

/** The options a model was trained with; null where the architecture has no such setting. */
export interface ResolvedTrainOptions {
  readonly architecture: Architecture;
  readonly epochs: number;
  readonly seed: number;
  readonly bestModelMetric: BestModelMetric;
  /** Null when an explicit validation set was given. */
  readonly validationRule: ValidationRule | null;
  readonly refit: boolean;
  readonly c: number | null;
  readonly pathTable: PathTableOptions | null;
  readonly dim: number | null;
  readonly optimizer: Optimizer | null;
  readonly learningRate: number | null;
  readonly classBalancing: ClassBalancing | null;
}

/** C, the table thresholds and the rest were chosen on a validation split of the real data (bench/). */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = Object.freeze({
  architecture: 'path-table-linear-svm',
  epochs: 10,
  seed: 42,
  bestModelMetric: 'eval_f1',
  validationRule: DEFAULT_VALIDATION_RULE,
  refit: true,
  c: 0.3,
  pathTable: Object.freeze({ minSupport: 3, minPurity: 0.98 }),
  dim: 16,
  optimizer: 'rowwise-adagrad',
  classBalancing: 'none',
});

/** Per optimizer, as measured on a validation split of the real data (AdaGrad's steps are larger by design). */
export const DEFAULT_LEARNING_RATES: Readonly<Record<Optimizer, number>> = Object.freeze({
  sgd: 0.5,
  'rowwise-adagrad': 0.05,
});
