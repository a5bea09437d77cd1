import { z } from 'zod';
import { doubleSchema, int64Schema, keyValueSchema } from './wire-values';

// Entities of MLflow's tracking REST API (mlflow/protos/service.proto), keeping MLflow's field
// names so they read like the REST docs. Empty repeated fields are left out of protobuf JSON, hence
// the defaults.

const runStatusSchema = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

export const experimentSchema = z.object({
  experiment_id: z.string(),
  name: z.string(),
  artifact_location: z.string().optional(),
  lifecycle_stage: z.string().optional(),
  last_update_time: int64Schema.optional(),
  creation_time: int64Schema.optional(),
  tags: z.array(keyValueSchema).default([]),
});

export const metricSchema = z.object({
  key: z.string(),
  value: doubleSchema,
  timestamp: int64Schema,
  step: int64Schema.default(0),
});

export const runInfoSchema = z.object({
  run_id: z.string(),
  run_name: z.string().optional(),
  experiment_id: z.string(),
  user_id: z.string().optional(),
  status: runStatusSchema,
  start_time: int64Schema.optional(),
  end_time: int64Schema.optional(),
  artifact_uri: z.string(),
  lifecycle_stage: z.string().optional(),
});

const runDataSchema = z.object({
  metrics: z.array(metricSchema).default([]),
  params: z.array(keyValueSchema).default([]),
  tags: z.array(keyValueSchema).default([]),
});

export const runSchema = z.object({ info: runInfoSchema, data: runDataSchema.prefault({}) });

export const fileInfoSchema = z.object({
  path: z.string(),
  is_dir: z.boolean().default(false),
  file_size: int64Schema.optional(),
});

export type RunStatus = z.output<typeof runStatusSchema>;
export type Experiment = z.output<typeof experimentSchema>;
export type Metric = z.output<typeof metricSchema>;
export type RunInfo = z.output<typeof runInfoSchema>;
export type RunData = z.output<typeof runDataSchema>;
export type Run = z.output<typeof runSchema>;
export type ArtifactFileInfo = z.output<typeof fileInfoSchema>;
