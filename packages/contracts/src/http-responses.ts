import { z } from 'zod';
import { jobView } from './http';
import { MODEL_FILES } from './model-layout';
import { promotionRecord } from './training-report';

/** HTTP answers that had no schema: the OpenAPI document and the clients (console, CLI) read these. */

export const jobList = z.object({
  items: z.array(jobView).meta({ description: 'the jobs of this page, newest first' }),
  next_cursor: z
    .string()
    .nullable()
    .meta({ description: 'pass it back as `cursor` for the next page; null on the last page' }),
});

const modelVersionNumber = z
  .number()
  .int()
  .meta({ description: 'the version number', examples: [3] });
const isoTime = (description: string) =>
  z.string().meta({ description, examples: ['2026-12-01T09:30:00.000Z'] });

export const modelView = z.object({
  version: modelVersionNumber,
  status: z.enum(['PENDING', 'READY', 'FAILED']).meta({
    description: '`PENDING` while its files are written, `READY` once the model and manifest are in S3',
  }),
  stage: z.enum(['NONE', 'PRODUCTION', 'ARCHIVED']).meta({
    description: '`PRODUCTION`: the one serving; `ARCHIVED`: served before (promote it again to roll back)',
  }),
  artifact_uri: z.string().meta({
    description: `its folder in S3: \`${MODEL_FILES.onnx}\` and \`${MODEL_FILES.manifest}\``,
    examples: ['s3://models/3/'],
  }),
  dataset_uri: z.string().nullable().meta({
    description: 'the file or prefix it was trained on; null for a client key when another key trained it',
  }),
  dataset_hash: z.string().meta({ description: 'sha256 over the training files read and their contents' }),
  labels: z.unknown().meta({ description: 'the categories it predicts, in output order' }),
  metrics: z.unknown().meta({
    description: 'validation figures of its kept epoch: `eval_f1`, `eval_f1_min`, `per_class_f1`, …',
  }),
  mlflow_run_id: z.string().nullable().meta({ description: 'its MLflow run; null without tracking' }),
  training_job_id: z
    .string()
    .nullable()
    .meta({ description: 'the job that trained it; null for a client key when another key trained it' }),
  created_at: isoTime('when training recorded it (ISO 8601, UTC)'),
  promoted_at: z
    .string()
    .nullable()
    .meta({ description: 'when it last became the serving version (ISO 8601); null if never' }),
  promotion: promotionRecord
    .nullable()
    .meta({ description: 'the automatic promotion decision of its training; null for older versions' }),
});

export const modelList = z.object({
  items: z.array(modelView).meta({ description: 'every model version, newest first' }),
});

export const predictAnswer = z.object({
  model_version: modelVersionNumber.meta({ description: 'the model version that answered' }),
  predictions: z
    .array(
      z.object({
        label: z.string().meta({ description: 'the predicted category', examples: ['Beverages'] }),
        confidence: z
          .number()
          .meta({ description: "the model's probability for it, 0 to 1", examples: [0.97] }),
      }),
    )
    .meta({ description: 'one per text, in the order sent' }),
});

export const healthAnswer = z.object({
  status: z.literal('ok').meta({ description: 'the process answers' }),
});

export const readinessAnswer = z.object({
  status: z.enum(['ok', 'unavailable']).meta({ description: '`ok` when every dependency answers' }),
  checks: z
    .record(
      z.string(),
      z.object({
        ok: z.boolean().meta({ description: 'whether it answered' }),
        latencyMs: z.number().meta({ description: 'how long it took to answer, in milliseconds' }),
        error: z.string().optional().meta({ description: 'why not, when it did not' }),
      }),
    )
    .meta({ description: 'one entry per dependency: `mysql`, `redis`, `s3`' }),
});

export const uploadAnswer = z.object({
  uri: z.string().meta({
    description: 'where the file is: pass it as `input_file_s3` or `train_file_s3`',
    examples: ['s3://dataset/uploads/5f0c6a7e-2b1d-4e9a-8c3f-1d2e3f4a5b6c-products.csv'],
  }),
  size: z
    .number()
    .int()
    .meta({ description: 'bytes stored', examples: [1048576] }),
});

/** One inference job's score against human-verified labels: a point of the monitoring series. */
export const monitoringPoint = z.object({
  job_id: z.string().meta({ description: 'the predict job that was scored' }),
  model_version: modelVersionNumber.meta({ description: 'the model version that predicted' }),
  weighted_f1: z
    .number()
    .nullable()
    .meta({
      description: 'weighted F1 on the labelled rows the model did not train on; null when it trained on all',
      examples: [0.91],
    }),
  min_f1: z
    .number()
    .nullable()
    .meta({ description: 'the lowest per-class F1 on the same rows', examples: [0.74] }),
  per_class_f1: z.unknown().meta({ description: 'F1 per category, keyed by label' }),
  rows: z.number().int().meta({ description: 'rows the job predicted' }),
  labelled_rows: z.number().int().meta({ description: 'rows with `HUMAN_VERIFIED_Category`' }),
  seen_rows: z.number().int().nullable().meta({
    description:
      'labelled rows the model trained on, left out of the F1; null when its manifest does not record its training set (format 1: every labelled row is scored)',
  }),
  unseen_rows: z
    .number()
    .int()
    .nullable()
    .meta({ description: 'labelled rows the F1 is computed on; null when not known (as `seen_rows`)' }),
  shadow: z
    .array(
      z.object({
        model_version: modelVersionNumber.meta({ description: 'a READY version newer than the serving one' }),
        weighted_f1: z
          .number()
          .nullable()
          .meta({ description: 'its weighted F1 on the rows it did not train on' }),
        min_f1: z.number().nullable().meta({ description: 'its lowest per-class F1 on the same rows' }),
        scored_rows: z.number().int().meta({ description: 'labelled rows it did not train on' }),
        seen_rows: z.number().int().meta({ description: 'labelled rows it trained on, left out' }),
      }),
    )
    .meta({ description: 'shadow scores of the same labelled rows by newer, not yet serving versions' }),
  latency_per_row_ms: z.number().meta({ description: 'model time per row, in milliseconds' }),
  created_at: isoTime('when it was scored (ISO 8601, UTC)'),
});

export const monitoringAnswer = z.object({
  items: z.array(monitoringPoint).meta({ description: 'the points, oldest first' }),
});

export type JobList = z.infer<typeof jobList>;
export type ModelView = z.infer<typeof modelView>;
export type ModelList = z.infer<typeof modelList>;
export type PredictAnswer = z.infer<typeof predictAnswer>;
export type UploadAnswer = z.infer<typeof uploadAnswer>;
export type MonitoringPoint = z.infer<typeof monitoringPoint>;
export type MonitoringAnswer = z.infer<typeof monitoringAnswer>;
