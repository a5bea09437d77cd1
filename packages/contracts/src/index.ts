export { type BestModelMetric, bestModelMetricSchema } from './best-model-metric';
export { clientNamespace, grantRefusal, SYSTEM_DATASET_PREFIXES } from './client-inputs';
export {
  FEEDBACK_PREFIX,
  feedbackPrefixUri,
  feedbackUri,
  REVIEW_PREFIX,
  reviewPrefixUri,
  reviewUri,
} from './dataset-layout';
export { ERROR_CODES, type ErrorCode } from './error-codes';
export * from './http';
export * from './http-params';
export * from './http-queries';
export * from './http-responses';
export { type PartKind, partsPrefix, partUri, predictionsUri } from './inference-layout';
export {
  CATALOG,
  isJobName,
  JOB_NAMES,
  JOBS,
  type JobName,
  type JobPayload,
  type JobResult,
  type JobSource,
  jobsOn,
  type PayloadBody,
  queueLockMs,
} from './job-catalog';
export { type JobFailure, jobFailureReason, readJobFailureReason } from './job-failure-reason';
export { JOB_TYPES, type RecordedJobType } from './job-types';
export { type PayloadVersions, readPayload } from './job-versions';
export { MODEL_FILES, modelFileUris, modelFolder, modelVersionUri } from './model-layout';
export {
  jobOfType,
  jobSource,
  type QueuedJob,
  queuedJob,
  queuedJobOf,
} from './queued-job';
export { QUEUE_NAMES, type QueueName } from './queues';
export {
  type EpochReportView,
  epochReport,
  type JobReport,
  jobReport,
  type PromotionRecord,
  promotionRecord,
} from './training-report';
