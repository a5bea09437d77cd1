import { z } from 'zod';
import { bestModelMetricSchema } from './best-model-metric';
import { QUEUES, type QueueRole } from './queues';

const s3Uri = z.string().startsWith('s3://');
const jobId = z.string().uuid();

/**
 * The job catalog: each job name, its queue, and a versioned schema for its payload and result.
 * Payloads carry ids and S3 URIs, never data or secrets — except online prediction, whose small text
 * batch (≤ 1,000 texts) is the request itself and is never stored.
 */
export const JOBS = {
  'predict-csv': {
    queue: 'inference',
    version: 1,
    payload: z.object({ v: z.literal(1), jobId, inputUri: s3Uri }),
    result: z.object({
      output_uri: s3Uri,
      rows: z.number().int(),
      labelled_rows: z.number().int(),
      feedback_uri: s3Uri.nullable(),
      model_version: z.number().int(),
      metrics: z.object({ weighted_f1: z.number(), min_f1: z.number() }).nullable(),
    }),
  },
  train: {
    queue: 'training',
    version: 1,
    payload: z.object({
      v: z.literal(1),
      jobId,
      /** One CSV (`Category` labels) or a prefix of CSVs (training and feedback files). */
      sourceUri: s3Uri,
      epochs: z.number().int().min(1).max(200),
      bestModelMetric: bestModelMetricSchema,
    }),
    result: z.object({
      model_version: z.number().int(),
      promoted: z.boolean(),
      dataset_hash: z.string(),
      rows: z.number().int(),
      metrics: z.record(z.string(), z.unknown()),
    }),
  },
  /** Fired by the retrain schedule: starts a training job when enough new verified rows arrived. */
  'retrain-check': {
    queue: 'training',
    version: 1,
    payload: z.object({ v: z.literal(1) }),
    result: z.object({ new_rows: z.number().int(), job_id: jobId.nullable() }),
  },
  'predict-online': {
    queue: 'online',
    version: 1,
    payload: z.object({ v: z.literal(1), texts: z.array(z.string().min(1).max(10_000)).min(1).max(1_000) }),
    result: z.object({
      modelVersion: z.number().int(),
      predictions: z.array(z.object({ label: z.string(), confidence: z.number() })),
    }),
  },
} as const satisfies Record<
  string,
  { queue: QueueRole; version: number; payload: z.ZodType; result: z.ZodType }
>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]['payload']>;
export type JobResult<N extends JobName> = z.infer<(typeof JOBS)[N]['result']>;
export const JOB_NAMES = Object.keys(JOBS) as JobName[];

export const queueOf = (name: JobName) => QUEUES[JOBS[name].queue];

/** Job names served on a queue role. */
export const jobsOn = (role: QueueRole): JobName[] => JOB_NAMES.filter((name) => JOBS[name].queue === role);
