// Dedupe keys of outbox entries and tag keys of MLflow runs. A dedupe key names the thing tracked, so
// recording it again (a retried job, a second worker noticing the same promotion) writes nothing.

export const trainingRunKey = (jobId: string) => `training-run:${jobId}`;
export const monitoringRunKey = (modelVersionId: number) => `monitoring-run:${modelVersionId}`;
export const monitoringMetricsKey = (jobId: string) => `monitoring:${jobId}`;
export const productionAliasKey = (modelVersionId: number, promotedAt: Date) =>
  `production-alias:${modelVersionId}:${promotedAt.getTime()}`;

/** Run tags that identify a run, so a run whose creation answer was lost is found instead of made again. */
export const RUN_TAGS = {
  jobId: 'shelfwise.job_id',
  modelVersion: 'shelfwise.model_version',
  kind: 'shelfwise.kind',
  monitoringOf: 'shelfwise.monitoring_of',
} as const;

export const PRODUCTION_ALIAS = 'production';
