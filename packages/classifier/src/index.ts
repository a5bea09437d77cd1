export { CsvFormatError } from '@shelfwise/csv';
export { HUMAN_LABEL_COLUMN, LABEL_COLUMN, TEXT_COLUMN } from './csv-records';
export type { EmbeddingBagParameters } from './embedding-bag';
export { type ClassificationMetrics, type ClassMetrics, evaluate } from './evaluate';
export { type ExportedModel, exportModel } from './export-model';
export { type Features, Featurizer, featurize } from './featurizer';
export { FeaturizerMismatchError } from './featurizer-mismatch-error';
export { DEFAULT_FEATURIZER_SETTINGS, type FeaturizerSettings } from './featurizer-settings';
export type { Device } from './inference-session';
export { type ReadLabelledCsvOptions, readLabelledCsv } from './labelled-csv';
export {
  type LoadModelOptions,
  loadModel,
  type Prediction,
  type Predictor,
  type PredictorTimings,
} from './load-model';
export { MANIFEST_FILE, ONNX_FILE, readModelFiles, writeModelFiles } from './model-files';
export { ModelFormatError } from './model-format-error';
export {
  type EpochSummary,
  MANIFEST_FORMAT_VERSION,
  type ModelManifest,
  parseManifest,
} from './model-manifest';
export { CONFIDENCE_COLUMN, PREDICTED_COLUMN, type PredictCsvResult, predictCsv } from './predict-csv';
export { createRandom } from './random';
export { type Split, stratifiedSplit } from './stratified-split';
export { type EpochReport, type TrainedModel, type TrainHooks, train } from './train';
export {
  type BestModelMetric,
  type ClassBalancing,
  DEFAULT_LEARNING_RATES,
  DEFAULT_TRAIN_OPTIONS,
  type LabelledText,
  type Optimizer,
  type TrainOptions,
} from './train-options';
