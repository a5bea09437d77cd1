import { z } from 'zod';
import { int64Schema, keyValueSchema } from './wire-values';

// Entities of MLflow's model registry REST API (mlflow/protos/model_registry.proto).

export const modelVersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  creation_timestamp: int64Schema.optional(),
  last_updated_timestamp: int64Schema.optional(),
  user_id: z.string().optional(),
  current_stage: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.enum(['PENDING_REGISTRATION', 'FAILED_REGISTRATION', 'READY']).optional(),
  status_message: z.string().optional(),
  tags: z.array(keyValueSchema).default([]),
  run_link: z.string().optional(),
  aliases: z.array(z.string()).default([]),
});

export const registeredModelSchema = z.object({
  name: z.string(),
  creation_timestamp: int64Schema.optional(),
  last_updated_timestamp: int64Schema.optional(),
  user_id: z.string().optional(),
  description: z.string().optional(),
  latest_versions: z.array(modelVersionSchema).default([]),
  tags: z.array(keyValueSchema).default([]),
  aliases: z.array(z.object({ alias: z.string(), version: z.string() })).default([]),
});

export type ModelVersion = z.output<typeof modelVersionSchema>;
export type RegisteredModel = z.output<typeof registeredModelSchema>;
