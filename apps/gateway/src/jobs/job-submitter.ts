import { randomUUID } from 'node:crypto';
import {
  asPrefix,
  type JobName,
  type JobPayload,
  type PredictCsvRequest,
  predictCsvPayload,
  type TrainCsvRequest,
  type TrainFeedbackRequest,
  trainCsvPayload,
  trainFeedbackPayload,
} from '@shelfwise/contracts';
import { isUniqueViolation, type Job, type JobRepository, type JobType, type Prisma } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { type JobProducer, ownerPriority } from '@shelfwise/queue';
import type { ObjectStore } from '@shelfwise/storage';
import { type Caller, scopeOf } from '../auth/caller';
import { ConflictError } from '../errors/conflict-error';
import { UnavailableError } from '../errors/unavailable-error';
import type { InputAccess } from '../tenancy/input-access';
import { withDeadline } from '../with-deadline';
import { checkSource, type Source } from './check-source';
import { requestHash } from './request-hash';

interface Submission<N extends JobName> {
  type: JobType;
  /** The validated body, stored as the job's input and hashed for idempotency. */
  request: Prisma.InputJsonObject;
  source: Source;
  job: N;
  /** `etag`: the single input object's version at submission, which the job is pinned to. */
  payload(jobId: string, etag: string | undefined): JobPayload<N>;
}

export interface Submitted {
  job: Job;
  /** False when an earlier request with the same idempotency key made the job. */
  created: boolean;
}

export interface SubmitterOptions {
  /** How long Redis may take to accept a job before the request answers 503. */
  enqueueTimeoutMs: number;
  /** `bucket/prefix` entries a job's input must fall under; undefined: anywhere in the allowed buckets. */
  allowedPrefixes?: string[] | undefined;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Turns a validated request into a job: checks the S3 input, honours the idempotency key, writes the
 * row, THEN enqueues it under the row's id. A job the queue refused is marked FAILED, never left QUEUED.
 */
export class JobSubmitter {
  constructor(
    private readonly jobs: JobRepository,
    private readonly store: ObjectStore,
    private readonly producer: JobProducer,
    private readonly access: InputAccess,
    private readonly logger: Logger,
    private readonly options: SubmitterOptions = { enqueueTimeoutMs: 5_000 },
  ) {}

  predictCsv(request: PredictCsvRequest, key: string | undefined, caller: Caller): Promise<Submitted> {
    const inputUri = request.input_file_s3;
    return this.submit(
      {
        type: 'PREDICT_CSV',
        request,
        source: { field: 'input_file_s3', uri: inputUri, kind: 'object' },
        job: 'predict-csv',
        payload: (jobId, etag) => predictCsvPayload(request, jobId, etag),
      },
      key,
      caller,
    );
  }

  trainCsv(request: TrainCsvRequest, key: string | undefined, caller: Caller): Promise<Submitted> {
    const sourceUri = request.train_file_s3;
    return this.submit(
      {
        type: 'TRAIN_CSV',
        request,
        source: { field: 'train_file_s3', uri: sourceUri, kind: 'object' },
        job: 'train',
        payload: (jobId, etag) => trainCsvPayload(request, jobId, etag),
      },
      key,
      caller,
    );
  }

  trainFeedback(request: TrainFeedbackRequest, key: string | undefined, caller: Caller): Promise<Submitted> {
    const sourceUri = asPrefix(request.train_dir_s3);
    return this.submit(
      {
        type: 'TRAIN_FEEDBACK',
        request,
        source: { field: 'train_dir_s3', uri: sourceUri, kind: 'prefix' },
        job: 'train',
        // Shared with the worker's reconciler, which rebuilds the payload from the stored request.
        payload: (jobId) => trainFeedbackPayload(request, jobId),
      },
      key,
      caller,
    );
  }

  private async submit<N extends JobName>(
    submission: Submission<N>,
    key: string | undefined,
    caller: Caller,
  ) {
    const hash = key === undefined ? undefined : requestHash(submission.type, submission.request);
    // An Idempotency-Key is the caller's own: another API key sending the same one makes a job of its own.
    const idempotency = key === undefined ? undefined : { scope: scopeOf(caller), key };
    if (idempotency) {
      // A replay answers from MySQL alone: it must not depend on the input still being in S3.
      const earlier = await this.jobs.findByIdempotencyKey(idempotency);
      if (earlier) return this.replay(earlier, idempotency.key, hash);
    }
    const { etag } = await checkSource(this.store, submission.source, this.logger, {
      allowedPrefixes: this.options.allowedPrefixes,
      refusal: (input) => this.access.refusal(caller, input),
    });
    let job: Job;
    try {
      job = await this.jobs.create({
        id: randomUUID(),
        type: submission.type,
        input: submission.request,
        idempotency,
        requestHash: hash,
        apiKeyId: caller.keyId,
        // Recorded with the row, so a job enqueued again after Redis lost it is pinned the same way.
        inputVersions: etag === undefined ? undefined : [{ uri: submission.source.uri, etag }],
      });
    } catch (error) {
      if (idempotency === undefined || !isUniqueViolation(error)) throw error;
      // A concurrent request with the same key inserted first: the unique index decided, answer with its job.
      const winner = await this.jobs.findByIdempotencyKey(idempotency);
      if (!winner) throw new ConflictError('a request with this Idempotency-Key is in progress; retry it');
      return this.replay(winner, idempotency.key, hash);
    }
    await this.enqueue(job, submission, etag);
    return { job, created: true };
  }

  private replay(earlier: Job, key: string, hash: string | undefined): Submitted {
    if (earlier.requestHash !== hash) {
      throw new ConflictError(`Idempotency-Key "${key}" was already used for a different request`);
    }
    return { job: earlier, created: false };
  }

  /** Fair share between owners: the job's priority is its place in its owner's backlog (owner-priority.ts). */
  private async fairlyEnqueue<N extends JobName>(
    job: Job,
    submission: Submission<N>,
    etag: string | undefined,
  ) {
    const priority = await ownerPriority(this.jobs, job);
    return this.producer.enqueue(submission.job, submission.payload(job.id, etag), job.id, { priority });
  }

  private async enqueue<N extends JobName>(
    job: Job,
    submission: Submission<N>,
    etag: string | undefined,
  ): Promise<void> {
    try {
      await withDeadline(
        this.fairlyEnqueue(job, submission, etag),
        this.options.enqueueTimeoutMs,
        () => new Error(`Redis did not accept the job within ${this.options.enqueueTimeoutMs} ms`),
      );
    } catch (error) {
      this.logger.error({ err: error, jobId: job.id, type: job.type }, 'enqueue failed');
      await this.jobs
        .markEnqueueFailed(job.id, `the queue refused the job: ${describe(error)}`)
        .catch((markError: unknown) =>
          // Still QUEUED in MySQL: the worker's reconciler enqueues it once Redis is back.
          this.logger.error({ err: markError, jobId: job.id }, 'could not mark the job FAILED'),
        );
      throw new UnavailableError('ENQUEUE_FAILED', 'the job could not be queued; submit it again later', {
        retryAfterSeconds: 5,
        details: { job_id: job.id },
      });
    }
  }
}
