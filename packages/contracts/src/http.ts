import { z } from 'zod';
import { bestModelMetricSchema } from './best-model-metric';
import { predictCsvResult, trainResult } from './job-schemas';
import { JOB_TYPES } from './job-types';
import { jobReport } from './training-report';

const s3Uri = z.string().regex(/^s3:\/\/[^/]+\/.+/, 'must be an s3://bucket/key URI');
// A folder of CSVs: the bucket itself (s3://dataset/) or a prefix in it.
const s3Prefix = z.string().regex(/^s3:\/\/[^/]+(\/.*)?$/, 'must be an s3://bucket/prefix/ URI');

/**
 * Training defaults, applied when a request leaves the field out. 10 epochs: the trainer's own default and
 * the scheduled retraining's, enough for validation F1 to settle on the product data (the best epoch is
 * kept). `eval_f1_min`: the original service's documented choice; it keeps the rarest class in view.
 */
export const DEFAULT_EPOCH_NUM = 10;
export const DEFAULT_BEST_MODEL_METRIC = 'eval_f1_min' as const;

// 10^9 epochs would run for ever; 200 is far past where validation loss stops improving.
const epochNum = z
  .number()
  .int()
  .min(1)
  .max(200)
  .default(DEFAULT_EPOCH_NUM)
  .meta({
    description: `passes over the training rows, 1 to 200 (default ${DEFAULT_EPOCH_NUM}); the best epoch by \`best_model_metric\` is kept`,
    examples: [DEFAULT_EPOCH_NUM],
  });
const bestModelMetric = bestModelMetricSchema.default(DEFAULT_BEST_MODEL_METRIC).meta({
  description: `which validation figure picks the best epoch and decides promotion: \`eval_f1\` (weighted F1) or \`eval_f1_min\` (lowest per-class F1); default \`${DEFAULT_BEST_MODEL_METRIC}\``,
  examples: [DEFAULT_BEST_MODEL_METRIC],
});

export const predictCsvRequest = z.strictObject({
  input_file_s3: s3Uri.meta({
    description:
      'the CSV to classify: a `product_description` column, optionally `HUMAN_VERIFIED_Category` (rows with it filled in are kept as feedback and scored)',
    examples: ['s3://dataset/incoming.csv'],
  }),
});
export const trainCsvRequest = z.strictObject({
  train_file_s3: s3Uri.meta({
    description: 'one training CSV with `product_description,Category` columns',
    examples: ['s3://dataset/train/Training_Data.csv'],
  }),
  epoch_num: epochNum,
  best_model_metric: bestModelMetric,
});
export const trainFeedbackRequest = z.strictObject({
  train_dir_s3: s3Prefix.meta({
    description:
      'a folder (prefix) in S3: every labelled CSV under it is read, training files (`Category`) and feedback files (`HUMAN_VERIFIED_Category`) alike, plus every feedback file predict jobs captured; a text labelled more than once keeps its newest label. No human-verified row at all fails the job `NO_FEEDBACK`',
    examples: ['s3://dataset/train/'],
  }),
  epoch_num: epochNum,
  best_model_metric: bestModelMetric,
});
export const predictRequest = z.strictObject({
  texts: z
    .array(z.string().trim().min(1).max(10_000).meta({ description: 'one product description' }))
    .min(1)
    .max(1_000)
    .meta({
      description: '1 to 1,000 product descriptions, each up to 10,000 characters',
      examples: [['oolong tea 100g', 'sparkling mineral water 1l']],
    }),
});

export const jobTypeSchema = z.enum(JOB_TYPES).meta({
  description:
    'what the job does: `PREDICT_CSV` (POST /v1/predict/csv), `TRAIN_CSV` (POST /v1/train/csv), `TRAIN_FEEDBACK` (POST /v1/train/human_feedback), `RETRAIN_SCHEDULED` (started by RETRAIN_CRON)',
});
export const jobStatusSchema = z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']).meta({
  description:
    '`QUEUED` (also while a retry waits), `RUNNING`, then one of `SUCCEEDED`, `FAILED` or `CANCELLED`',
});

export const listJobsQuery = z.strictObject({
  type: jobTypeSchema.optional().meta({ description: 'only jobs of this type' }),
  status: jobStatusSchema.optional().meta({ description: 'only jobs in this status' }),
  cursor: z
    .string()
    .uuid()
    .optional()
    .meta({ description: "the previous page's `next_cursor`: the page after it" }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .meta({ description: 'jobs per page, 1 to 100 (default 20)' }),
});

const jobId = z.string().meta({
  description: 'the job id (a UUID); `GET /v1/jobs/{id}` shows it',
  examples: ['0b7f3c1e-5d2a-4c8e-9f61-2a7d4e8b9c10'],
});

export const jobAccepted = z.object({ job_id: jobId, status: jobStatusSchema });

const timestamp = z.string().meta({ examples: ['2026-12-01T09:30:00.000Z'] });

export const jobView = z.object({
  job_id: jobId,
  type: jobTypeSchema,
  status: jobStatusSchema,
  progress: z.number().meta({ description: 'from 0 to 1; 1 once SUCCEEDED', examples: [0.45] }),
  attempts: z
    .number()
    .int()
    .meta({ description: 'attempts started so far; transient failures are retried (JOB_ATTEMPTS)' }),
  input: z.unknown().meta({ description: 'the request that made the job, defaults applied' }),
  created_at: timestamp.meta({ description: 'when the job was submitted (ISO 8601, UTC)' }),
  started_at: timestamp
    .nullable()
    .meta({ description: 'when its latest attempt started (ISO 8601); null while it waits' }),
  finished_at: timestamp.nullable().meta({ description: 'when it ended (ISO 8601); null until then' }),
  result: z
    .object({
      output_uri: z
        .string()
        .nullable()
        .meta({
          description: 'a predict job: its predictions CSV; a training job: its model folder',
          examples: ['s3://inference/0b7f3c1e-5d2a-4c8e-9f61-2a7d4e8b9c10/predictions.csv'],
        }),
      model_version: z
        .number()
        .int()
        .nullable()
        .meta({ description: 'the model version that predicted, or the one training made', examples: [3] }),
      details: z
        .union([predictCsvResult, trainResult])
        .nullable()
        .meta({ description: "everything the job reported: a predict job's or a training job's result" }),
    })
    .nullable()
    .meta({ description: 'set once the job SUCCEEDED' }),
  report: jobReport.nullable().meta({
    description:
      'a training job: its epochs so far (while it runs) and then the promotion decision; null for other jobs',
  }),
  error: z
    .object({
      code: z.string().meta({ description: 'a machine-readable reason', examples: ['INVALID_CSV'] }),
      message: z.string().meta({
        description: 'what went wrong, naming rows and columns for bad input',
        examples: ['row 3: empty product_description'],
      }),
    })
    .nullable()
    .meta({ description: 'why the job FAILED, or why its last attempt failed while a retry waits' }),
});

export const errorBody = z.object({
  error: z
    .object({
      code: z.string().meta({ description: 'a machine-readable reason', examples: ['INVALID_REQUEST'] }),
      message: z.string().meta({
        description: 'what is wrong, for people',
        examples: ['invalid request: epoch_num: Too big: expected number to be <=200'],
      }),
      details: z.unknown().optional().meta({
        description:
          'more about it: `[{path, message}]` per field at fault for INVALID_REQUEST, `{job_id}` for ENQUEUE_FAILED, `{status}` for CONFLICT',
      }),
    })
    .meta({ description: 'the error' }),
});

export type PredictCsvRequest = z.infer<typeof predictCsvRequest>;
export type TrainCsvRequest = z.infer<typeof trainCsvRequest>;
export type TrainFeedbackRequest = z.infer<typeof trainFeedbackRequest>;
export type PredictRequest = z.infer<typeof predictRequest>;
export type ListJobsQuery = z.infer<typeof listJobsQuery>;
export type JobView = z.infer<typeof jobView>;
export type ErrorBody = z.infer<typeof errorBody>;
