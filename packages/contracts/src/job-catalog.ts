import type { z } from 'zod';
import { predictCsvRequest, trainCsvRequest, trainFeedbackRequest } from './http';
import {
  onlinePayloadV1,
  onlineResult,
  predictChunkPayloadV1,
  predictChunkResult,
  predictCsvPayloadV1,
  predictCsvResult,
  retrainCheckPayloadV1,
  retrainCheckResult,
  trainPayloadV1,
  trainResult,
} from './job-schemas';
import type { RecordedJobType } from './job-types';
import type { QueueName } from './queues';

/** A prefix names a folder: without the slash, `feedback` would also match `feedback-old/`. */
const asPrefix = (uri: string): string => (uri.endsWith('/') ? uri : `${uri}/`);

/** A payload without its version: producers write the catalog's current one. */
export type PayloadBody<Payload> = Omit<Payload, 'v'>;

/** The S3 input a job reads: the gateway checks it before recording the row (and pins one object's version). */
export interface JobSource {
  /** The request field naming it, for error messages. */
  field: string;
  uri: string;
  kind: 'object' | 'prefix';
}

/**
 * How a job row of one type becomes its job. Methods (not function properties), so each entry may take
 * its own input type: `recordedAs` checks the entry against its input schema.
 */
export interface RecordedType<Body> {
  /** The row's stored `input`: the validated HTTP request (the retrain schedule stores the payload itself). */
  input: z.ZodType;
  /** The S3 input named by the (parsed) stored input; undefined: nothing to check. */
  source(input: unknown): JobSource | undefined;
  /** `etag`: the version of an `object` source the job is pinned to (the row's `input_versions`). */
  payload(input: unknown, jobId: string, etag: string | undefined): Body;
}

/** The payload version before the current one, which workers still read while a deploy rolls out. */
export interface PreviousVersion<Payload> {
  payload: z.ZodType;
  /** A payload of the previous version as the current version says it. */
  upgrade(previous: unknown): Payload;
}

/** What Redis keeps of an ended job (BullMQ's removeOnComplete/removeOnFail); MySQL keeps the history. */
export interface Retention {
  removeOnComplete: true | { age: number; count?: number };
  removeOnFail: true | { age: number; count?: number };
}

export interface JobDefinition<Payload, Result> {
  queue: QueueName;
  /** The payload version producers write (`v`); workers read it and `previous` (job-versions.ts). */
  version: number;
  payload: z.ZodType<Payload>;
  previous?: PreviousVersion<Payload> | undefined;
  result: z.ZodType<Result>;
  /**
   * Where a failure is written: `row`, on the job's MySQL row (code, message; FAILED once permanent or
   * out of attempts); `reason`, a job without a row, in the failed job's reason as data (jobFailureReason)
   * for the caller waiting on it.
   */
  failures: 'row' | 'reason';
  /** The row types that run as this job, and how a row becomes its payload; none without a row. */
  types: Partial<Record<RecordedJobType, RecordedType<PayloadBody<Payload>>>>;
  /** `configured`: JOB_ATTEMPTS with exponential JOB_BACKOFF_MS; `once`: one attempt (a caller waits). */
  attempts: 'configured' | 'once';
  retention: Retention;
  /**
   * The BullMQ lock of a run, which is also its MySQL lease: a dead worker's job moves after this long. A
   * queue's lock is the longest of its jobs' (`queueLockMs`), as BullMQ locks per queue.
   */
  lockMs: number;
}

/** A row type's entry: its builder checked against its input schema, its source read from `source.field`. */
function recordedAs<S extends z.ZodType, Body>(entry: {
  input: S;
  source?: { field: keyof z.output<S> & string; kind: JobSource['kind'] };
  payload(input: z.output<S>, jobId: string, etag: string | undefined): Body;
}): RecordedType<Body> {
  const { source } = entry;
  return {
    input: entry.input,
    source: (input: z.output<S>) => {
      if (!source) return undefined;
      const uri = String(input[source.field]);
      return { field: source.field, kind: source.kind, uri: source.kind === 'prefix' ? asPrefix(uri) : uri };
    },
    payload: entry.payload,
  };
}

// Redis holds the queue only; MySQL keeps the history.
const KEPT_A_WHILE: Retention = {
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 24 * 3_600 },
};
const DEFAULT_LOCK_MS = 30_000;

/**
 * The job catalog, the one declarative source of the job system: each job name, its queue, its payload
 * versions and result, how failures are recorded, the row types that run as it, and its queue options.
 * The gateway's submission, the retrain check and the reconciler build queue jobs from it (queued-job.ts);
 * the worker reads payloads (job-versions.ts) and dispatches handlers by these names.
 */
export const JOBS = {
  'predict-csv': {
    queue: 'inference',
    version: 1,
    payload: predictCsvPayloadV1,
    result: predictCsvResult,
    failures: 'row',
    types: {
      PREDICT_CSV: recordedAs({
        input: predictCsvRequest,
        source: { field: 'input_file_s3', kind: 'object' },
        payload: (request, jobId, etag) => ({
          jobId,
          inputUri: request.input_file_s3,
          ...(etag === undefined ? {} : { inputEtag: etag }),
        }),
      }),
    },
    attempts: 'configured',
    retention: KEPT_A_WHILE,
    lockMs: DEFAULT_LOCK_MS,
  },
  /**
   * One chunk of a predict-csv job over more than PREDICT_CHUNK_ROWS rows: a BullMQ child of that job,
   * taken by any inference worker. Its plan (byte range, first row) is the `predict_chunks` row; the job's
   * own row stays the one record of its outcome.
   */
  'predict-chunk': {
    queue: 'inference',
    version: 1,
    payload: predictChunkPayloadV1,
    result: predictChunkResult,
    // No row of its own: a failure for good fails the parent job (its row says why, from the reconciler).
    failures: 'reason',
    types: {},
    attempts: 'configured',
    retention: KEPT_A_WHILE,
    lockMs: DEFAULT_LOCK_MS,
  },
  train: {
    queue: 'training',
    version: 1,
    payload: trainPayloadV1,
    result: trainResult,
    failures: 'row',
    types: {
      TRAIN_CSV: recordedAs({
        input: trainCsvRequest,
        source: { field: 'train_file_s3', kind: 'object' },
        payload: (request, jobId, etag) => ({
          jobId,
          sourceUri: request.train_file_s3,
          ...(etag === undefined ? {} : { sourceEtag: etag }),
          epochs: request.epoch_num,
          bestModelMetric: request.best_model_metric,
        }),
      }),
      TRAIN_FEEDBACK: recordedAs({
        input: trainFeedbackRequest,
        source: { field: 'train_dir_s3', kind: 'prefix' },
        payload: (request, jobId) => ({
          jobId,
          sourceUri: asPrefix(request.train_dir_s3),
          epochs: request.epoch_num,
          bestModelMetric: request.best_model_metric,
          includeFeedback: true,
        }),
      }),
      // The retrain check stores the payload it queued, nothing to check. A new payload version makes this
      // builder fail to compile until it reads the stored older one too.
      RETRAIN_SCHEDULED: recordedAs({
        input: trainPayloadV1.omit({ jobId: true }),
        payload: (stored, jobId) => ({ ...stored, jobId }),
      }),
    },
    attempts: 'configured',
    retention: KEPT_A_WHILE,
    // Training holds the event loop in slices; a longer lock keeps a busy worker's job from looking stalled.
    lockMs: 120_000,
  },
  /** Fired by the retrain schedule: starts a training job when enough new verified rows arrived. */
  'retrain-check': {
    queue: 'training',
    version: 1,
    payload: retrainCheckPayloadV1,
    result: retrainCheckResult,
    failures: 'reason',
    types: {},
    attempts: 'configured',
    retention: KEPT_A_WHILE,
    lockMs: DEFAULT_LOCK_MS,
  },
  /** POST /v1/predict: micro-batched texts; the waiting request is the only record. */
  online: {
    queue: 'online',
    version: 1,
    payload: onlinePayloadV1,
    result: onlineResult,
    failures: 'reason',
    types: {},
    // A synchronous request has its own caller waiting: no retries, and nothing kept in Redis afterwards.
    attempts: 'once',
    retention: { removeOnComplete: true, removeOnFail: true },
    lockMs: DEFAULT_LOCK_MS,
  },
} satisfies Record<string, JobDefinition<unknown, unknown>>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.output<(typeof JOBS)[N]['payload']>;
export type JobResult<N extends JobName> = z.output<(typeof JOBS)[N]['result']>;

/**
 * The catalog seen per name: indexing it with a generic name keeps the name and its payload paired, so
 * code generic over job names (the runner's dispatch, queue jobs) needs no casts. The annotation checks
 * every entry: each row type's builder makes that job's payload.
 */
export const CATALOG: { [N in JobName]: JobDefinition<JobPayload<N>, JobResult<N>> } = JOBS;

export const JOB_NAMES = Object.keys(JOBS) as JobName[];

export const isJobName = (name: string): name is JobName => Object.hasOwn(JOBS, name);

/** Job names served on a queue. */
export const jobsOn = (queue: QueueName): JobName[] => JOB_NAMES.filter((name) => JOBS[name].queue === queue);

/** The BullMQ lock of a queue's jobs (and MySQL lease of their runs): the longest its jobs ask for. */
export const queueLockMs = (queue: QueueName): number =>
  Math.max(...jobsOn(queue).map((name) => JOBS[name].lockMs));
