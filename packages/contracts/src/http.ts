import { z } from 'zod';
import { bestModelMetricSchema } from './best-model-metric';

const s3Uri = z.string().regex(/^s3:\/\/[^/]+\/.+/, 'must be an s3://bucket/key URI');
// A folder of CSVs: the bucket itself (s3://dataset/) or a prefix in it.
const s3Prefix = z.string().regex(/^s3:\/\/[^/]+(\/.*)?$/, 'must be an s3://bucket/prefix/ URI');
// 10^9 epochs would run for ever; 200 is far past where validation loss stops improving.
const epochNum = z.number().int().min(1).max(200);

export const predictCsvRequest = z.strictObject({ input_file_s3: s3Uri });
export const trainCsvRequest = z.strictObject({
  train_file_s3: s3Uri,
  epoch_num: epochNum,
  best_model_metric: bestModelMetricSchema,
});
export const trainFeedbackRequest = z.strictObject({
  train_dir_s3: s3Prefix,
  epoch_num: epochNum,
  best_model_metric: bestModelMetricSchema,
});
export const predictRequest = z.strictObject({
  texts: z.array(z.string().trim().min(1).max(10_000)).min(1).max(1_000),
});

export const jobTypeSchema = z.enum(['PREDICT_CSV', 'TRAIN_CSV', 'TRAIN_FEEDBACK', 'RETRAIN_SCHEDULED']);
export const jobStatusSchema = z.enum(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);

export const listJobsQuery = z.strictObject({
  type: jobTypeSchema.optional(),
  status: jobStatusSchema.optional(),
  cursor: z.string().uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const jobAccepted = z.object({ job_id: z.string(), status: jobStatusSchema });

export const jobView = z.object({
  job_id: z.string(),
  type: jobTypeSchema,
  status: jobStatusSchema,
  progress: z.number(),
  attempts: z.number().int(),
  input: z.unknown(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
  result: z
    .object({
      output_uri: z.string().nullable(),
      model_version: z.number().int().nullable(),
      details: z.unknown(),
    })
    .nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

export type PredictCsvRequest = z.infer<typeof predictCsvRequest>;
export type TrainCsvRequest = z.infer<typeof trainCsvRequest>;
export type TrainFeedbackRequest = z.infer<typeof trainFeedbackRequest>;
export type PredictRequest = z.infer<typeof predictRequest>;
export type ListJobsQuery = z.infer<typeof listJobsQuery>;
export type JobView = z.infer<typeof jobView>;
export type ErrorBody = z.infer<typeof errorBody>;
