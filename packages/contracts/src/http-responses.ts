import { z } from 'zod';
import { jobView } from './http';

/** HTTP answers that had no schema: the OpenAPI document and the clients (console, CLI) read these. */

export const jobList = z.object({ items: z.array(jobView), next_cursor: z.string().nullable() });

export const modelView = z.object({
  version: z.number().int(),
  status: z.enum(['PENDING', 'READY', 'FAILED']),
  stage: z.enum(['NONE', 'PRODUCTION', 'ARCHIVED']),
  artifact_uri: z.string(),
  dataset_uri: z.string(),
  dataset_hash: z.string(),
  labels: z.unknown(),
  metrics: z.unknown(),
  mlflow_run_id: z.string().nullable(),
  training_job_id: z.string().nullable(),
  created_at: z.string(),
  promoted_at: z.string().nullable(),
});

export const modelList = z.object({ items: z.array(modelView) });

export const predictAnswer = z.object({
  model_version: z.number().int(),
  predictions: z.array(z.object({ label: z.string(), confidence: z.number() })),
});

export const healthAnswer = z.object({ status: z.literal('ok') });

export const readinessAnswer = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.record(
    z.string(),
    z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() }),
  ),
});

export const uploadAnswer = z.object({ uri: z.string(), size: z.number().int() });

/** One inference job's score against human-verified labels: a point of the monitoring series. */
export const monitoringPoint = z.object({
  job_id: z.string(),
  model_version: z.number().int(),
  weighted_f1: z.number(),
  min_f1: z.number(),
  per_class_f1: z.unknown(),
  rows: z.number().int(),
  labelled_rows: z.number().int(),
  latency_per_row_ms: z.number(),
  created_at: z.string(),
});

export const monitoringAnswer = z.object({ items: z.array(monitoringPoint) });

export type JobList = z.infer<typeof jobList>;
export type ModelView = z.infer<typeof modelView>;
export type ModelList = z.infer<typeof modelList>;
export type PredictAnswer = z.infer<typeof predictAnswer>;
export type UploadAnswer = z.infer<typeof uploadAnswer>;
export type MonitoringPoint = z.infer<typeof monitoringPoint>;
export type MonitoringAnswer = z.infer<typeof monitoringAnswer>;
