export { CsvFormatError } from '@shelfwise/csv';
export { expectedCalibrationError, fitTemperature } from './calibration';
export {
  CONFIDENCE_COLUMN,
  describeRowProblem,
  FEEDBACK_HEADER,
  HUMAN_LABEL_COLUMN,
  LABEL_COLUMN,
  LABEL_COLUMNS,
  type LabelledLayout,
  PREDICTED_COLUMN,
  type PredictionLayout,
  predictionLayout,
  type RowProblem,
  TEXT_COLUMN,
} from './csv-schema';
export type { EmbeddingBagParameters } from './embedding-bag';
export { type ClassificationMetrics, type ClassMetrics, evaluate } from './evaluate';
export { type ExportedModel, type ExportOptions, exportModel } from './export-model';
export { type Features, Featurizer, featurize } from './featurizer';
export { FeaturizerMismatchError } from './featurizer-mismatch-error';
export {
  DEFAULT_FEATURIZER_SETTINGS,
  type FeaturizerAlgorithm,
  type FeaturizerSettings,
  type MeanBagFeaturizerSettings,
  SUBLINEAR_FEATURIZER_SETTINGS,
  type SublinearFeaturizerSettings,
} from './featurizer-settings';
export type { Device } from './inference-session';
export { InvalidRowsError } from './invalid-rows-error';
export { type LabelledBatch, type LabelledBatchesOptions, readLabelledBatches } from './labelled-batches';
export { type ReadLabelledCsvOptions, readLabelledCsv } from './labelled-csv';
export {
  type LoadModelOptions,
  loadModel,
  type Prediction,
  type Predictor,
  type PredictorTimings,
} from './load-model';
export { readModelFiles, writeModelFiles } from './model-files';
export { ModelFormatError } from './model-format-error';
export {
  ARCHITECTURES,
  type Architecture,
  type Calibration,
  type EmbeddingBagManifest,
  type EpochSummary,
  type InputLayout,
  MANIFEST_FORMAT_VERSION,
  type ModelManifest,
  type PathLinearManifest,
  parseManifest,
  type TrainingSetRecord,
} from './model-manifest';
export { type PairedBootstrap, pairedBootstrap } from './paired-bootstrap';
export { forwardPathLinear, type PathLinearParameters } from './path-linear-model';
export { type PathEntry, type PathMatch, PathTable, type PathTableOptions } from './path-table';
export {
  addCounts,
  type PredictCounts,
  type PredictPipelineOptions,
  type PredictRun,
  type PredictSinks,
  predictRows,
  type RowSink,
  type VerifiedRow,
} from './predict-pipeline';
export { createRandom } from './random';
export { RowProblems } from './row-problems';
export { type Split, stratifiedSplit } from './stratified-split';
export {
  type EpochReport,
  type TrainedEmbeddingBag,
  type TrainedModel,
  type TrainedPathLinear,
  type TrainHooks,
  train,
} from './train';
export {
  type BestModelMetric,
  type ClassBalancing,
  DEFAULT_LEARNING_RATES,
  DEFAULT_TRAIN_OPTIONS,
  type LabelledText,
  type Optimizer,
  type ResolvedTrainOptions,
  type TrainOptions,
} from './train-options';
export { trainedOn, trainingSetOf } from './trained-on';
export {
  DEFAULT_FINGERPRINT_FALSE_POSITIVE_RATE,
  FingerprintReader,
  fingerprintTexts,
  type TrainingFingerprint,
} from './training-fingerprint';
export {
  DEFAULT_VALIDATION_RULE,
  isValidationRow,
  normalizeText,
  splitByRule,
  type ValidationRule,
} from './validation-rule';
