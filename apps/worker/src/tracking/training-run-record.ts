import type { TrainedModel } from '@shelfwise/classifier';
import { type JobPayload, MODEL_FILES, modelFileUris } from '@shelfwise/contracts';
import type { ModelVersion } from '@shelfwise/db';
import type { TrainingData } from '../training/read-training-data';
import { confusionMatrixCsv } from './confusion-matrix-csv';
import { labelSlug } from './metric-key';
import { RUN_TAGS } from './tracking-keys';
import type { MetricPoint, TrainingRunPayload } from './tracking-payloads';

export interface FinishedTraining {
  jobId: string;
  request: JobPayload<'train'>;
  /** When the job attempt began: the run's start time. */
  startTime: number;
  /** When train() began: each epoch's metrics are stamped with this plus the epoch's elapsed time. */
  trainingStartTime: number;
  data: Pick<TrainingData, 'datasetHash' | 'rowsRead' | 'examples' | 'files'>;
  trained: TrainedModel;
  modelVersion: Pick<ModelVersion, 'id' | 'version' | 'artifactUri'>;
}

export interface EndedTraining {
  jobId: string;
  request: JobPayload<'train'>;
  startTime: number;
  status: 'FAILED' | 'KILLED';
}

// Logged by both a failed and a finished attempt with the same values: MLflow refuses a param that changes.
const requestParams = (request: JobPayload<'train'>) => ({
  epochs: String(request.epochs),
  best_model_metric: request.bestModelMetric,
  dataset_uri: request.sourceUri,
});

/** The MLflow run of a training job that produced a model version: params, per-epoch metrics, artifacts. */
export function finishedTrainingRun(input: FinishedTraining, endTime = Date.now()): TrainingRunPayload {
  const { trained, data, modelVersion } = input;
  const options = trained.options;
  const featurizer = trained.featurizer;
  const files = modelFileUris(modelVersion.artifactUri);
  return {
    v: 1,
    jobId: input.jobId,
    modelVersion: modelVersion.version,
    modelVersionId: modelVersion.id,
    status: 'FINISHED',
    runName: `train-v${modelVersion.version}`,
    startTime: input.startTime,
    endTime,
    params: {
      ...requestParams(input.request),
      architecture: trained.architecture,
      c: String(options.c),
      validation_rule: options.validationRule
        ? `${options.validationRule.kind} seed ${options.validationRule.seed} fraction ${options.validationRule.fraction}`
        : 'explicit',
      refit: String(options.refit),
      learning_rate: String(options.learningRate),
      dim: String(options.dim),
      class_balancing: String(options.classBalancing),
      seed: String(options.seed),
      featurizer: featurizer.algorithm,
      word_ngrams: `${featurizer.wordNgrams[0]}-${featurizer.wordNgrams[1]}`,
      char_ngrams: `${featurizer.charNgrams[0]}-${featurizer.charNgrams[1]}`,
      hash_buckets: String(featurizer.buckets),
      max_length: String(featurizer.maxLength),
      dataset_hash: data.datasetHash,
      dataset_files: String(data.files.length),
      rows_read: String(data.rowsRead),
      examples: String(data.examples.length),
      training_rows: String(trained.trainingExamples),
      validation_rows: String(trained.validationExamples),
      best_epoch: String(trained.bestEpoch),
    },
    tags: {
      [RUN_TAGS.jobId]: input.jobId,
      [RUN_TAGS.modelVersion]: String(modelVersion.version),
      [RUN_TAGS.kind]: 'training',
    },
    metrics: epochMetrics(trained, input.trainingStartTime),
    artifacts: [
      { path: `model/${MODEL_FILES.onnx}`, contentType: 'application/octet-stream', s3Uri: files.onnx },
      { path: `model/${MODEL_FILES.manifest}`, contentType: 'application/json', s3Uri: files.manifest },
      {
        path: 'confusion_matrix.csv',
        contentType: 'text/csv',
        text: confusionMatrixCsv(trained.metrics.labels, trained.metrics.confusionMatrix),
      },
    ],
  };
}

/**
 * The run of a training attempt that failed or was cancelled: what the request says, no metrics. Epochs of
 * a failed attempt are left out so that a retry which succeeds logs exactly one point per epoch.
 */
export function endedTrainingRun(input: EndedTraining, endTime = Date.now()): TrainingRunPayload {
  return {
    v: 1,
    jobId: input.jobId,
    modelVersion: null,
    modelVersionId: null,
    status: input.status,
    runName: `train-${input.jobId.slice(0, 8)}`,
    startTime: input.startTime,
    endTime,
    params: requestParams(input.request),
    tags: { [RUN_TAGS.jobId]: input.jobId, [RUN_TAGS.kind]: 'training' },
    metrics: [],
    artifacts: [],
  };
}

function epochMetrics(trained: TrainedModel, trainingStartTime: number): MetricPoint[] {
  return trained.history.flatMap((epoch) => {
    const m = epoch.metrics;
    const values: Record<string, number | null> = {
      train_loss: epoch.trainLoss,
      eval_loss: m.loss,
      eval_f1: m.f1,
      eval_f1_min: m.minF1,
      eval_macro_f1: m.macroF1,
      eval_precision: m.precision,
      eval_recall: m.recall,
      eval_accuracy: m.accuracy,
    };
    for (const perClass of m.perClass) values[`eval_f1_${labelSlug(perClass.label)}`] = perClass.f1;
    const timestamp = trainingStartTime + Math.round(epoch.elapsedMs);
    return Object.entries(values)
      .filter((entry): entry is [string, number] => entry[1] !== null && Number.isFinite(entry[1]))
      .map(([key, value]) => ({ key, value, step: epoch.epoch, timestamp }));
  });
}
