import { randomUUID } from 'node:crypto';
import {
  jobSource,
  type PredictCsvRequest,
  type RecordedJobType,
  type TrainCsvRequest,
  type TrainFeedbackRequest,
} from '@shelfwise/contracts';
import { isUniqueViolation, type Job, type JobRepository, type NewJob, type Prisma } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { EnqueueFailedError, type JobProducer, RecordedJobQueue } from '@shelfwise/queue';
import type { ObjectStore } from '@shelfwise/storage';
import { type Caller, scopeOf } from '../auth/caller';
import { ConflictError } from '../errors/conflict-error';
import { UnavailableError } from '../errors/unavailable-error';
import type { InputAccess } from '../tenancy/input-access';
import { checkSource } from './check-source';
import { requestHash } from './request-hash';

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

/**
 * Turns a validated request into a job: checks the S3 input the catalog names for its type, honours the
 * idempotency key, then records the row and enqueues it (RecordedJobQueue: the payload is built from the
 * row, as the reconciler rebuilds it). A job the queue refused is marked FAILED, never left QUEUED.
 */
export class JobSubmitter {
  private readonly queue: RecordedJobQueue<NewJob, Job>;

  constructor(
    private readonly jobs: JobRepository,
    private readonly store: ObjectStore,
    producer: JobProducer,
    private readonly access: InputAccess,
    private readonly logger: Logger,
    private readonly options: SubmitterOptions = { enqueueTimeoutMs: 5_000 },
  ) {
    this.queue = new RecordedJobQueue(jobs, producer, { enqueueTimeoutMs: options.enqueueTimeoutMs });
  }

  predictCsv(request: PredictCsvRequest, key: string | undefined, caller: Caller): Promise<Submitted> {
    return this.submit('PREDICT_CSV', request, key, caller);
  }

  trainCsv(request: TrainCsvRequest, key: string | undefined, caller: Caller): Promise<Submitted> {
    return this.submit('TRAIN_CSV', request, key, caller);
  }

  trainFeedback(request: TrainFeedbackRequest, key: string | undefined, caller: Caller): Promise<Submitted> {
    return this.submit('TRAIN_FEEDBACK', request, key, caller);
  }

  /** `request`: the validated body, stored as the job's input and hashed for idempotency. */
  private async submit(
    type: RecordedJobType,
    request: Prisma.InputJsonObject,
    key: string | undefined,
    caller: Caller,
  ): Promise<Submitted> {
    const hash = key === undefined ? undefined : requestHash(type, request);
    // An Idempotency-Key is the caller's own: another API key sending the same one makes a job of its own.
    const idempotency = key === undefined ? undefined : { scope: scopeOf(caller), key };
    if (idempotency) {
      // A replay answers from MySQL alone: it must not depend on the input still being in S3.
      const earlier = await this.jobs.findByIdempotencyKey(idempotency);
      if (earlier) return this.replay(earlier, idempotency.key, hash);
    }
    const source = jobSource(type, request);
    const { etag } = source
      ? await checkSource(this.store, source, this.logger, {
          allowedPrefixes: this.options.allowedPrefixes,
          refusal: (input) => this.access.refusal(caller, input),
        })
      : { etag: undefined };
    try {
      const job = await this.queue.submit({
        id: randomUUID(),
        type,
        input: request,
        idempotency,
        requestHash: hash,
        apiKeyId: caller.keyId,
        // Recorded with the row: the payload is pinned from it, now and when enqueued again after Redis lost it.
        inputVersions: source && etag !== undefined ? [{ uri: source.uri, etag }] : undefined,
      });
      return { job, created: true };
    } catch (error) {
      if (error instanceof EnqueueFailedError) throw this.enqueueFailed(error, type);
      if (idempotency === undefined || !isUniqueViolation(error)) throw error;
      // A concurrent request with the same key inserted first: the unique index decided, answer with its job.
      const winner = await this.jobs.findByIdempotencyKey(idempotency);
      if (!winner) throw new ConflictError('a request with this Idempotency-Key is in progress; retry it');
      return this.replay(winner, idempotency.key, hash);
    }
  }

  private replay(earlier: Job, key: string, hash: string | undefined): Submitted {
    if (earlier.requestHash !== hash) {
      throw new ConflictError(`Idempotency-Key "${key}" was already used for a different request`);
    }
    return { job: earlier, created: false };
  }

  private enqueueFailed(error: EnqueueFailedError, type: RecordedJobType): UnavailableError {
    const { jobId, unmarked } = error;
    this.logger.error({ err: error.cause, jobId, type }, 'enqueue failed');
    if (unmarked !== undefined) {
      // Still QUEUED in MySQL: the worker's reconciler enqueues it once Redis is back.
      this.logger.error({ err: unmarked, jobId }, 'could not mark the job FAILED');
    }
    return new UnavailableError('ENQUEUE_FAILED', 'the job could not be queued; submit it again later', {
      retryAfterSeconds: 5,
      details: { job_id: jobId },
    });
  }
}
