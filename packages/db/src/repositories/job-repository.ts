import { randomUUID } from 'node:crypto';
import type { Db } from '../create-prisma-client';
import { type Job, type JobStatus, type JobType, Prisma } from '../generated/prisma/client';
import type { Tx } from '../transaction';

export interface NewJob {
  id: string;
  type: JobType;
  input: Prisma.InputJsonValue;
  /** The Idempotency-Key and whose it is (the submitting API key's id): unique per scope, not globally. */
  idempotency?: IdempotencyKey | undefined;
  requestHash?: string | undefined;
  apiKeyId?: string | null | undefined;
  /** The input's ETag(s) as checked at submission, read by every attempt. */
  inputVersions?: InputVersion[] | undefined;
}

/** An Idempotency-Key as one API key sent it: another key sending the same string is another request. */
export interface IdempotencyKey {
  scope: string;
  key: string;
}

/** One input object at the version a job reads (a type, not an interface: it is stored as JSON). */
export type InputVersion = { uri: string; etag: string };

/** The run that owns a job row: its writes are conditioned on this token. */
export interface RunOwner {
  jobId: string;
  token: string;
}

/** What `claimRun` found: the job is now this run's, another live run holds it, or it needs no run. */
export type RunClaim =
  | { kind: 'claimed'; run: RunOwner; attempts: number }
  | { kind: 'leased'; retryInMs: number }
  | { kind: 'ended'; status: JobStatus }
  | { kind: 'missing' };

/** A lease renewal: still ours, the row was cancelled, or another run (or nobody) owns the job now. */
export type LeaseState = 'held' | 'cancelled' | 'lost';

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

/**
 * Every state change of a job row. Transitions out of a terminal state are refused (return false).
 *
 * One run owns a job at a time: `claimRun` takes it atomically (a fresh token and a lease), the run renews the
 * lease while it works, and each of its writes (progress, model version, success, failure, retry) applies only
 * while the row still carries its token. A second copy of the job (Redis lost and the reconciler enqueued it
 * again, a stalled-job takeover) cannot claim a live lease, and a stale run whose job was taken over can no
 * longer write. Lease times are the database's clock (UTC_TIMESTAMP), so workers' clocks never disagree on them.
 */
export class JobRepository {
  constructor(private readonly db: Db | Tx) {}

  /**
   * A new QUEUED row, written with one INSERT and returned as written. Prisma's `create` wraps the INSERT in
   * a transaction, reads the row back and compiles the mutation on every call: 1.9 ms of the gateway's CPU
   * per job against 0.5 ms for this, the largest share of a submission (`pnpm bench:load`). The row's
   * defaults are the schema's; a test checks the returned row equals the one MySQL gives back.
   */
  async create({ idempotency, ...job }: NewJob): Promise<Job> {
    const now = new Date();
    // As MySQL gives JSON back: parsed from what was stored.
    const input = JSON.stringify(job.input);
    const inputVersions = job.inputVersions === undefined ? null : JSON.stringify(job.inputVersions);
    const row: Job = {
      id: job.id,
      type: job.type,
      status: 'QUEUED',
      input: JSON.parse(input),
      outputUri: null,
      result: null,
      errorCode: null,
      errorMessage: null,
      progress: 0,
      attempts: 0,
      modelVersionId: null,
      idempotencyKey: idempotency?.key ?? null,
      idempotencyScope: idempotency?.scope ?? null,
      requestHash: job.requestHash ?? null,
      createdAt: now,
      updatedAt: now,
      startedAt: null,
      finishedAt: null,
      tracking: null,
      apiKeyId: job.apiKeyId ?? null,
      runToken: null,
      leaseUntil: null,
      inputVersions: inputVersions === null ? null : JSON.parse(inputVersions),
      report: null,
    };
    await this.db.$executeRaw`
      INSERT INTO jobs (id, type, status, input, progress, attempts, idempotency_key, idempotency_scope,
                        request_hash, created_at, updated_at, api_key_id, input_versions)
      VALUES (${row.id}, ${row.type}, ${row.status}, ${input}, ${row.progress}, ${row.attempts},
              ${row.idempotencyKey}, ${row.idempotencyScope}, ${row.requestHash}, ${now}, ${now},
              ${row.apiKeyId}, ${inputVersions})`;
    return row;
  }

  findById(id: string): Promise<Job | null> {
    return this.db.job.findUnique({ where: { id } });
  }

  findByIdempotencyKey({ scope, key }: IdempotencyKey): Promise<Job | null> {
    return this.db.job.findFirst({ where: { idempotencyScope: scope, idempotencyKey: key } });
  }

  /** Those of `ids` that are jobs this API key submitted. */
  async ownedAmong(apiKeyId: string, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const owned = await this.db.job.findMany({ where: { apiKeyId, id: { in: ids } }, select: { id: true } });
    return new Set(owned.map((job) => job.id));
  }

  /** True when `uri` is the output of a job this API key submitted: a client may read it back as input. */
  async isOutputOf(apiKeyId: string, uri: string): Promise<boolean> {
    return (await this.db.job.count({ where: { apiKeyId, outputUri: uri } })) > 0;
  }

  /**
   * Unfinished jobs of one API key (null: keyless) with one of `types`, up to and including `upTo` in
   * creation order (created_at, then id: rows of the same millisecond still get distinct places), counted
   * up to `cap` at most: a flood's cost per submission stays bounded however long the flood.
   */
  async countOwnerBacklog(
    owner: string | null,
    types: JobType[],
    upTo: { id: string; createdAt: Date },
    cap: number,
  ): Promise<number> {
    // Raw, because Prisma's count with `take` orders its subquery by id: MySQL then reads and sorts every
    // unfinished job of the owner before the LIMIT applies (15 ms a count at a 3,000-job backlog, every
    // submission's largest cost). Unordered, the LIMIT stops the scan of the (api_key_id, status, type,
    // created_at) index at `cap` entries.
    const owned = owner === null ? Prisma.sql`api_key_id IS NULL` : Prisma.sql`api_key_id = ${owner}`;
    const [counted] = await this.db.$queryRaw<[{ n: bigint | number }]>`
      SELECT COUNT(*) AS n FROM (
        SELECT 1 FROM jobs
        WHERE ${owned} AND status IN (${Prisma.join(ACTIVE)}) AND type IN (${Prisma.join(types)})
          AND (created_at < ${upTo.createdAt} OR (created_at = ${upTo.createdAt} AND id <= ${upTo.id}))
        LIMIT ${cap}
      ) AS backlog`;
    return Number(counted?.n ?? 0);
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

  /**
   * Jobs MySQL still owes an outcome that no live run holds (QUEUED, or RUNNING with its lease expired): the
   * reconciler enqueues them again if Redis lost them. A RUNNING job whose run still renews its lease is left
   * to that run, even when Redis lost its queue entry.
   */
  async listUnowned(): Promise<Job[]> {
    return this.db.job.findMany({ where: await this.unowned(), orderBy: { createdAt: 'asc' } });
  }

  /**
   * Claims the job for a new run: a QUEUED row, or a RUNNING one whose lease expired (its worker died or
   * hangs) or has none (started before leases existed). `attempts` counts every start, a takeover after a
   * stall included; `started_at` keeps the first start.
   */
  async claimRun(jobId: string, leaseMs: number): Promise<RunClaim> {
    const token = randomUUID();
    const claimed = await this.db.$executeRaw`
      UPDATE jobs
      SET status = 'RUNNING', run_token = ${token},
        lease_until = DATE_ADD(UTC_TIMESTAMP(3), INTERVAL ${leaseMs * 1_000} MICROSECOND),
        attempts = attempts + 1, started_at = COALESCE(started_at, UTC_TIMESTAMP(3)),
        error_code = NULL, error_message = NULL, updated_at = UTC_TIMESTAMP(3)
      WHERE id = ${jobId} AND (status = 'QUEUED'
        OR (status = 'RUNNING' AND (lease_until IS NULL OR lease_until < UTC_TIMESTAMP(3))))`;
    if (claimed === 1) {
      const row = await this.db.job.findUniqueOrThrow({ where: { id: jobId } });
      return { kind: 'claimed', run: { jobId, token }, attempts: row.attempts };
    }
    const [row] = await this.db.$queryRaw<{ status: JobStatus; remaining: bigint | number | null }[]>`
      SELECT status, TIMESTAMPDIFF(MICROSECOND, UTC_TIMESTAMP(3), lease_until) AS remaining
      FROM jobs WHERE id = ${jobId}`;
    if (!row) return { kind: 'missing' };
    if (row.status !== 'RUNNING') return { kind: 'ended', status: row.status };
    // The lease may have ended between the two statements: then the copy is tried again at once.
    return { kind: 'leased', retryInMs: Math.max(0, Math.ceil(Number(row.remaining ?? 0) / 1_000)) };
  }

  /** Extends the run's lease; says whether it still owns the job, and if not whether it was cancelled. */
  async renewLease(run: RunOwner, leaseMs: number): Promise<LeaseState> {
    const renewed = await this.db.$executeRaw`
      UPDATE jobs SET lease_until = DATE_ADD(UTC_TIMESTAMP(3), INTERVAL ${leaseMs * 1_000} MICROSECOND)
      WHERE id = ${run.jobId} AND run_token = ${run.token} AND status = 'RUNNING'`;
    if (renewed === 1) return 'held';
    return (await this.findById(run.jobId))?.status === 'CANCELLED' ? 'cancelled' : 'lost';
  }

  /**
   * Ends the run's lease now, leaving the row RUNNING: the job's next copy (BullMQ hands a stalled job to
   * another worker) may claim it at once instead of waiting for the lease to run out. For a worker going away.
   */
  async releaseLease(run: RunOwner): Promise<boolean> {
    const released = await this.db.$executeRaw`
      UPDATE jobs SET lease_until = UTC_TIMESTAMP(3)
      WHERE id = ${run.jobId} AND run_token = ${run.token} AND status = 'RUNNING'`;
    return released === 1;
  }

  async reportProgress(run: RunOwner, progress: number): Promise<boolean> {
    return this.transitionRun(run, { progress: Math.min(1, Math.max(0, progress)) });
  }

  /** What the run reports while it works (a training job's epochs, then its promotion decision). */
  async recordReport(run: RunOwner, report: Prisma.InputJsonValue): Promise<boolean> {
    return this.transitionRun(run, { report });
  }

  /**
   * Whether a client key submitted the job: its training data is then the client's, and so would be any
   * evaluation rows drawn from it. Null submitter (an admin's configured key, the schedule): not a client.
   */
  async submittedByClient(jobId: string): Promise<boolean> {
    const job = await this.db.job.findUnique({ where: { id: jobId }, select: { apiKeyId: true } });
    if (!job?.apiKeyId) return false;
    const key = await this.db.apiKey.findUnique({ where: { id: job.apiKeyId }, select: { role: true } });
    // A key deleted since is not known to be an admin's: treated as a client's.
    return key?.role !== 'ADMIN';
  }

  /** Records which model version serves the job, as soon as it is known. */
  async recordModelVersion(run: RunOwner, modelVersionId: number): Promise<boolean> {
    return this.transitionRun(run, { modelVersionId });
  }

  /**
   * Pins the versions of the job's inputs the first time they are read (a prefix's listing); later attempts
   * get the pinned ones back. Null when the run no longer owns the job.
   */
  async pinInputVersions(run: RunOwner, versions: InputVersion[]): Promise<InputVersion[] | null> {
    await this.db.job.updateMany({
      where: {
        id: run.jobId,
        runToken: run.token,
        status: 'RUNNING',
        inputVersions: { equals: Prisma.DbNull },
      },
      data: { inputVersions: versions },
    });
    const row = await this.findById(run.jobId);
    if (row?.runToken !== run.token || row.status !== 'RUNNING') return null;
    return row.inputVersions as unknown as InputVersion[];
  }

  /**
   * A transient failure with attempts left: the job waits for its retry, the last error kept for users. The
   * run gives the job up (token and lease cleared), so the retry claims it at once.
   */
  async markRetrying(run: RunOwner, error: { code: string; message: string }): Promise<boolean> {
    return this.transitionRun(run, {
      status: 'QUEUED',
      runToken: null,
      leaseUntil: null,
      errorCode: error.code,
      errorMessage: clipReason(error.message),
    });
  }

  async markSucceeded(
    run: RunOwner,
    outcome: {
      outputUri?: string | undefined;
      result: Prisma.InputJsonValue;
      modelVersionId?: number | undefined;
    },
  ): Promise<boolean> {
    return this.transitionRun(run, {
      status: 'SUCCEEDED',
      progress: 1,
      outputUri: outcome.outputUri ?? null,
      result: outcome.result,
      modelVersionId: outcome.modelVersionId ?? null,
      leaseUntil: null,
      finishedAt: new Date(),
      errorCode: null,
      errorMessage: null,
    });
  }

  /**
   * FAILED, by the run that owns the job, or (given a job id) by whoever settles a job no run owns: a job
   * QUEUED, or RUNNING without a live lease. A job a live run holds is that run's to end.
   */
  async markFailed(job: RunOwner | string, error: { code: string; message: string }): Promise<boolean> {
    const data = {
      status: 'FAILED' as const,
      errorCode: error.code,
      errorMessage: clipReason(error.message),
      leaseUntil: null,
      finishedAt: new Date(),
    };
    if (typeof job !== 'string') return this.transitionRun(job, data);
    const { count } = await this.db.job.updateMany({ where: { id: job, ...(await this.unowned()) }, data });
    return count === 1;
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

  /** Rows no live run holds: QUEUED, or RUNNING with no lease or one over by the database's clock. */
  private async unowned(): Promise<Prisma.JobWhereInput> {
    const [row] = await this.db.$queryRaw<{ now: Date }[]>`SELECT UTC_TIMESTAMP(3) AS now`;
    const now = row?.now ?? new Date();
    return {
      OR: [
        { status: 'QUEUED' },
        { status: 'RUNNING', OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      ],
    };
  }

  /** A write of the run that owns the job: applies only while the row is RUNNING with the run's token. */
  private async transitionRun(run: RunOwner, data: Prisma.JobUncheckedUpdateManyInput): Promise<boolean> {
    const { count } = await this.db.job.updateMany({
      where: { id: run.jobId, runToken: run.token, status: 'RUNNING' },
      data,
    });
    return count === 1;
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
