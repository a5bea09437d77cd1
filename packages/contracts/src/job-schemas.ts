import { z } from 'zod';
import { bestModelMetricSchema } from './best-model-metric';

// A pattern, not startsWith: that becomes a non-standard `format` in the OpenAPI document.
const s3Uri = z.string().regex(/^s3:\/\//);
const jobId = z.string().uuid();
const etag = z.string().min(1).max(256);
const modelVersion = z.number().int();

/**
 * A job payload of version `v`: every payload says which version of its schema it was written in, so a
 * worker can read the one before the current (job-versions.ts) while a deploy rolls out.
 */
const versioned = <V extends number, S extends z.ZodRawShape>(v: V, shape: S) =>
  z.object({ v: z.literal(v), ...shape });

// The schemas of each job's payload (per version) and result, named in the catalog (job-catalog.ts).
// Payloads carry ids and S3 URIs, never data or secrets — except online prediction, whose small text
// batch (≤ 1,000 texts) is the request itself and is never stored.

export const predictCsvPayloadV1 = versioned(1, {
  jobId,
  inputUri: s3Uri,
  /**
   * The input's ETag when the job was submitted: every attempt reads that version or fails INPUT_CHANGED.
   * Optional: jobs queued before pinning existed still run (unpinned).
   */
  inputEtag: etag.optional(),
});

/** One chunk of a chunked predict-csv job: the job, the chunk's index in its plan, the job's pinned input. */
export const predictChunkPayloadV1 = versioned(1, {
  jobId,
  chunk: z.number().int().min(0),
  inputUri: s3Uri,
  inputEtag: etag.optional(),
});

/** Rows the chunk predicted (0: it was done already, or its job had ended). */
export const predictChunkResult = z.object({ rows: z.number().int() });

// Results are shown as they are in the API (a job's `result.details`): snake_case, each field described.
export const predictCsvResult = z.object({
  output_uri: s3Uri.meta({
    description: 'the predictions CSV: every input column plus `predicted_category` and `confidence`',
  }),
  rows: z
    .number()
    .int()
    .meta({ description: 'rows predicted', examples: [45000] }),
  labelled_rows: z
    .number()
    .int()
    .meta({ description: 'rows with `HUMAN_VERIFIED_Category` filled in', examples: [120] }),
  feedback_uri: s3Uri
    .nullable()
    .meta({ description: 'the copy of the labelled rows kept as training feedback; null without any' }),
  review_rows: z
    .number()
    .int()
    .meta({
      description:
        'rows without a human label whose confidence is below REVIEW_CONFIDENCE, written to `review_uri`; absent on older jobs',
      examples: [42],
    })
    .optional(),
  review_uri: s3Uri.nullable().optional().meta({
    description:
      'those rows with their input columns and an empty `HUMAN_VERIFIED_Category`, to fill in and submit back to POST /v1/predict/csv; null without any, absent on older jobs',
  }),
  model_version: modelVersion.meta({ description: 'the model version that predicted', examples: [3] }),
  metrics: z
    .object({
      weighted_f1: z
        .number()
        .nullable()
        .meta({
          description:
            'weighted F1 on the labelled rows the model did not train on; null when it trained on all of them',
          examples: [0.91],
        }),
      min_f1: z
        .number()
        .nullable()
        .meta({ description: 'the lowest per-class F1 on the same rows', examples: [0.74] }),
      seen_rows: z.number().int().nullable().meta({
        description:
          'labelled rows the model trained on, left out of the scores; null when its manifest does not say (every row scored)',
      }),
      unseen_rows: z
        .number()
        .int()
        .nullable()
        .meta({ description: 'labelled rows scored; null when not known' }),
    })
    .nullable()
    .meta({ description: 'scores against the labelled rows; null without any' }),
});

export const trainPayloadV1 = versioned(1, {
  jobId,
  /** One CSV (`Category` labels) or a prefix of CSVs (training and feedback files). */
  sourceUri: s3Uri,
  /**
   * One CSV's ETag at submission (as `inputEtag`). A prefix has none here: its listing is pinned on the
   * job row at the first read, and retries read exactly those objects at those versions.
   */
  sourceEtag: etag.optional(),
  epochs: z.number().int().min(1).max(200),
  bestModelMetric: bestModelMetricSchema,
  /**
   * Also train on every feedback object predict jobs captured (human_feedback, scheduled retraining):
   * no human-verified row at all fails the job NO_FEEDBACK. Absent (older payloads, train/csv): only
   * `sourceUri`.
   */
  includeFeedback: z.boolean().optional(),
});

export const trainResult = z.object({
  model_version: modelVersion.meta({ description: 'the model version this job trained', examples: [4] }),
  promoted: z.boolean().meta({ description: 'whether it serves now (AUTO_PROMOTE decides)' }),
  dataset_hash: z.string().meta({ description: 'sha256 over the training files read and their contents' }),
  rows: z
    .number()
    .int()
    .meta({ description: 'labelled rows trained and validated on', examples: [45000] }),
  rows_by_source: z
    .object({
      training: z.number().int().meta({ description: 'rows read with a `Category` label' }),
      verified: z.number().int().meta({
        description: 'rows read with a `HUMAN_VERIFIED_Category` label from files under the source folder',
      }),
      feedback: z.number().int().meta({
        description: 'rows read from the feedback predict jobs captured (human_feedback only)',
      }),
    })
    .optional()
    .meta({
      description:
        'labelled rows read, per source, before duplicates were dropped (a text labelled twice keeps its newest label); absent on older jobs',
    }),
  metrics: z.record(z.string(), z.unknown()).meta({
    description:
      "validation figures of the kept epoch (`eval_f1`, `eval_f1_min`, `per_class_f1`, `confusion_matrix`, `history` per epoch…) and `promotion`, why it was or was not promoted (the whole decision: the job's `report.promotion`)",
  }),
});

export const retrainCheckPayloadV1 = versioned(1, {});
export const retrainCheckResult = z.object({ new_rows: z.number().int(), job_id: jobId.nullable() });

export const onlinePayloadV1 = versioned(1, {
  texts: z.array(z.string().min(1).max(10_000)).min(1).max(1_000),
});
export const onlineResult = z.object({
  modelVersion: z.number().int(),
  predictions: z.array(z.object({ label: z.string(), confidence: z.number() })),
});
