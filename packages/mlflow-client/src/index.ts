export type { ArtifactBody } from './artifact-body';
export { MlflowApiError } from './mlflow-api-error';
export { MlflowClient } from './mlflow-client';
export type {
  ArtifactCallOptions,
  CreateExperimentOptions,
  CreateModelVersionInput,
  CreateRunInput,
  LogBatchInput,
  MetricInput,
  SearchRunsInput,
  UpdateRunInput,
} from './mlflow-client-inputs';
export type {
  MlflowAuth,
  MlflowClientOptions,
  MlflowRetryEvent,
  MlflowRetryOptions,
} from './mlflow-client-options';
export { MlflowError } from './mlflow-error';
export { MlflowNetworkError } from './mlflow-network-error';
export { MlflowResponseError } from './mlflow-response-error';
export { MlflowTimeoutError } from './mlflow-timeout-error';
export type { ModelVersion, RegisteredModel } from './registry-schemas';
export {
  type LogBatchChunk,
  type LogBatchLimits,
  MLFLOW_LOG_BATCH_LIMITS,
  splitLogBatch,
} from './split-log-batch';
export type {
  ArtifactFileInfo,
  Experiment,
  Metric,
  Run,
  RunData,
  RunInfo,
  RunStatus,
} from './tracking-schemas';
