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
export {
  JOB_NAMES,
  JOBS,
  type JobName,
  type JobPayload,
  type JobResult,
  jobsOn,
} from './job-catalog';
export { type JobFailure, jobFailureReason, readJobFailureReason } from './job-failure-reason';
export {
  asPrefix,
  type PinnedInput,
  pinnedInputs,
  predictCsvPayload,
  type QueuedJob,
  queuedJobOf,
  type RecordedJobType,
  trainCsvPayload,
  trainFeedbackPayload,
} from './job-payloads';
export { MODEL_FILES, modelFileUris, modelFolder, modelVersionUri } from './model-layout';
export { QUEUE_ROLES, QUEUES, type QueueName, type QueueRole } from './queues';
export {
  type EpochReportView,
  epochReport,
  type JobReport,
  jobReport,
  type PromotionRecord,
  promotionRecord,
} from './training-report';
