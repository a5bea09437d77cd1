import { z } from 'zod';

// What an outbox entry sends, as stored in its JSON payload: ids and figures, never data or secrets.
// Timestamps are fixed when the entry is recorded, so a re-send logs the very same metric points and
// MLflow ignores them as duplicates.

const metricPoint = z.object({
  key: z.string(),
  value: z.number(),
  step: z.number().int(),
  timestamp: z.number().int(),
});

export const trainingRunPayload = z.object({
  v: z.literal(1),
  jobId: z.string(),
  /** Null when the job failed before its model version existed. */
  modelVersion: z.number().int().nullable(),
  modelVersionId: z.number().int().nullable(),
  status: z.enum(['FINISHED', 'FAILED', 'KILLED']),
  runName: z.string(),
  startTime: z.number().int(),
  endTime: z.number().int(),
  params: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  metrics: z.array(metricPoint),
  /** Files under the run's artifact root: streamed from S3 (`s3Uri`) or small text kept here (`text`). */
  artifacts: z.array(
    z.object({
      path: z.string(),
      contentType: z.string(),
      s3Uri: z.string().optional(),
      text: z.string().optional(),
    }),
  ),
});

export const monitoringRunPayload = z.object({
  v: z.literal(1),
  modelVersion: z.number().int(),
  startTime: z.number().int(),
});

export const monitoringMetricsPayload = z.object({
  v: z.literal(1),
  jobId: z.string(),
  modelVersion: z.number().int(),
  modelVersionId: z.number().int(),
  metrics: z.array(metricPoint),
});

export const productionAliasPayload = z.object({
  v: z.literal(1),
  version: z.number().int(),
  /** Milliseconds since the epoch: which promotion of the version this entry is about. */
  promotedAt: z.number().int(),
});

/** Steps already done in MLflow, saved as they happen, so a re-send continues instead of repeating. */
export const outboxProgress = z.object({
  runId: z.string().optional(),
  artifactUri: z.string().optional(),
  uploaded: z.array(z.string()).optional(),
  /** Set just before asking MLflow for a model version: a retry first looks for the one it may have made. */
  registrationStartedAt: z.number().int().optional(),
  registeredVersion: z.string().optional(),
});

export type TrainingRunPayload = z.infer<typeof trainingRunPayload>;
export type MonitoringRunPayload = z.infer<typeof monitoringRunPayload>;
export type MonitoringMetricsPayload = z.infer<typeof monitoringMetricsPayload>;
export type ProductionAliasPayload = z.infer<typeof productionAliasPayload>;
export type OutboxProgress = z.infer<typeof outboxProgress>;
export type MetricPoint = z.infer<typeof metricPoint>;
