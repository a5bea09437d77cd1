import type { Db } from '../create-prisma-client';
import type { Job, JobStatus, JobType, Prisma } from '../generated/prisma/client';
import type { Tx } from '../transaction';

export interface NewJob {
  id: string;
  type: JobType;
  input: Prisma.InputJsonValue;
  idempotencyKey?: string | undefined;
  requestHash?: string | undefined;
  apiKeyId?: string | null | undefined;
}

export interface JobListQuery {
  type?: JobType | undefined;
  status?: JobStatus | undefined;
  /** The id of the last job of the previous page. */
  cursor?: string | undefined;
  limit: number;
  /** Only the jobs this API key submitted (a client's view); undefined: every job. */
  apiKeyId?: string | undefined;
}

export interface JobPage {
  items: Job[];
  nextCursor: string | null;
}

const ACTIVE: JobStatus[] = ['QUEUED', 'RUNNING'];
// error_message is TEXT (64 KB): a longer reason would make the very write that ends the job fail, leaving
// it RUNNING. Reasons quote user data (labels, headers), so cap them well below that.
const MAX_REASON = 4_000;
const clipReason = (message: string) =>
  message.length > MAX_REASON ? `${message.slice(0, MAX_REASON)}… (cut)` : message;

/** Every state change of a job row. Transitions out of a terminal state are refused (return false). */
export class JobRepository {
  constructor(private readonly db: Db | Tx) {}

  create(job: NewJob): Promise<Job> {
    return this.db.job.create({ data: job });
  }

  findById(id: string): Promise<Job | null> {
    return this.db.job.findUnique({ where: { id } });
  }

  findByIdempotencyKey(key: string): Promise<Job | null> {
    return this.db.job.findUnique({ where: { idempotencyKey: key } });
  }

  /** Newest first; a stable order (created_at, id) so pages never skip or repeat a row. */
  async list(query: JobListQuery): Promise<JobPage> {
    const items = await this.db.job.findMany({
      where: { type: query.type, status: query.status, apiKeyId: query.apiKeyId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    });
    const hasMore = items.length > query.limit;
    const page = hasMore ? items.slice(0, query.limit) : items;
    return { items: page, nextCursor: hasMore ? (page.at(-1)?.id ?? null) : null };
  }

  /** Jobs MySQL still owes an outcome: the reconciler re-enqueues them if Redis lost them. */
  listUnfinished(): Promise<Job[]> {
    return this.db.job.findMany({ where: { status: { in: ACTIVE } }, orderBy: { createdAt: 'asc' } });
  }

  async markRunning(id: string, attempt: number): Promise<boolean> {
    return this.transition(id, ACTIVE, {
      status: 'RUNNING',
      attempts: attempt,
      startedAt: new Date(),
      errorCode: null,
      errorMessage: null,
    });
  }

  async reportProgress(id: string, progress: number): Promise<boolean> {
    return this.transition(id, ['RUNNING'], { progress: Math.min(1, Math.max(0, progress)) });
  }

  /** A transient failure with attempts left: the job waits for its retry, the last error kept for users. */
  async markRetrying(id: string, error: { code: string; message: string }): Promise<boolean> {
    return this.transition(id, ACTIVE, {
      status: 'QUEUED',
      errorCode: error.code,
      errorMessage: clipReason(error.message),
    });
  }

  async markSucceeded(
    id: string,
    outcome: {
      outputUri?: string | undefined;
      result: Prisma.InputJsonValue;
      modelVersionId?: number | undefined;
    },
  ): Promise<boolean> {
    return this.transition(id, ['RUNNING'], {
      status: 'SUCCEEDED',
      progress: 1,
      outputUri: outcome.outputUri ?? null,
      result: outcome.result,
      modelVersionId: outcome.modelVersionId ?? null,
      finishedAt: new Date(),
      errorCode: null,
      errorMessage: null,
    });
  }

  async markFailed(id: string, error: { code: string; message: string }): Promise<boolean> {
    return this.transition(id, ACTIVE, {
      status: 'FAILED',
      errorCode: error.code,
      errorMessage: clipReason(error.message),
      finishedAt: new Date(),
    });
  }

  /**
   * The row was written but the queue refused the job: FAILED with ENQUEUE_FAILED, and the idempotency key
   * is released so the client's retry with the same key (after the 503) makes a fresh job, not this one.
   */
  async markEnqueueFailed(id: string, message: string): Promise<boolean> {
    return this.transition(id, ['QUEUED'], {
      status: 'FAILED',
      errorCode: 'ENQUEUE_FAILED',
      errorMessage: clipReason(message),
      idempotencyKey: null,
      finishedAt: new Date(),
    });
  }

  async markCancelled(id: string): Promise<boolean> {
    return this.transition(id, ACTIVE, { status: 'CANCELLED', finishedAt: new Date() });
  }

  /** Records which model version served the job, as soon as it is known. */
  async recordModelVersion(id: string, modelVersionId: number): Promise<void> {
    await this.db.job.update({ where: { id }, data: { modelVersionId } });
  }

  private async transition(
    id: string,
    from: JobStatus[],
    data: Prisma.JobUncheckedUpdateManyInput,
  ): Promise<boolean> {
    const { count } = await this.db.job.updateMany({ where: { id, status: { in: from } }, data });
    return count === 1;
  }
}
