import type { Db } from '../create-prisma-client';
import type { Prisma, TrackingKind, TrackingOutboxEntry, TrackingState } from '../generated/prisma/client';
import type { Tx } from '../transaction';

export interface NewTrackingEntry {
  kind: TrackingKind;
  /** Identifies what is tracked (e.g. `training-run:<job id>`): recording it again writes nothing. */
  dedupeKey: string;
  jobId?: string | undefined;
  modelVersionId?: number | undefined;
  payload: Prisma.InputJsonValue;
}

export interface FailedAttempt {
  error: string;
  nextAttemptAt: Date;
  /** No attempts left (or retrying cannot help): the entry ends FAILED. */
  giveUp: boolean;
}

// Long enough for any message worth reading; a column of TEXT must not receive a whole response body.
const MAX_ERROR_LENGTH = 2_000;

/**
 * The MLflow outbox: calls a job owes MLflow, written in the job's path and sent by the workers'
 * dispatcher. Every change made while sending is conditional on the sender's claim, so a dispatcher
 * whose claim expired (or was dropped by a new payload) can no longer mark the entry.
 */
export class TrackingOutboxRepository {
  constructor(private readonly db: Db | Tx) {}

  /** Inserts the entry unless one with its dedupe key exists; true when this call wrote it. */
  async recordOnce(entry: NewTrackingEntry): Promise<boolean> {
    const { count } = await this.db.trackingOutboxEntry.createMany({ data: [entry], skipDuplicates: true });
    return count === 1;
  }

  findByDedupeKey(dedupeKey: string): Promise<TrackingOutboxEntry | null> {
    return this.db.trackingOutboxEntry.findUnique({ where: { dedupeKey } });
  }

  findById(id: number): Promise<TrackingOutboxEntry | null> {
    return this.db.trackingOutboxEntry.findUnique({ where: { id } });
  }

  /** The newest entry of `kind` for a model version, e.g. the training run that registered it. */
  findForModelVersion(kind: TrackingKind, modelVersionId: number): Promise<TrackingOutboxEntry | null> {
    return this.db.trackingOutboxEntry.findFirst({
      where: { kind, modelVersionId },
      orderBy: { id: 'desc' },
    });
  }

  listByJob(jobId: string): Promise<TrackingOutboxEntry[]> {
    return this.db.trackingOutboxEntry.findMany({ where: { jobId }, orderBy: { id: 'asc' } });
  }

  /**
   * Replaces what an entry will send and makes it due now, keeping its progress (the run it already
   * created is reused). The claim is dropped, so a dispatcher still sending the old payload cannot mark
   * the new one as sent.
   */
  async replacePayload(id: number, payload: Prisma.InputJsonValue, modelVersionId?: number): Promise<void> {
    await this.db.trackingOutboxEntry.update({
      where: { id },
      data: {
        payload,
        ...(modelVersionId === undefined ? {} : { modelVersionId }),
        status: 'PENDING',
        attempts: 0,
        lastError: null,
        nextAttemptAt: new Date(),
        claimedBy: null,
        claimedUntil: null,
        sentAt: null,
      },
    });
  }

  /**
   * Claims up to `limit` due entries for `token` until `until`, in one UPDATE: row locks make
   * concurrent claims of several workers disjoint, and an entry is claimable again only once its
   * claim has expired (its worker died or hangs). Returns the entries this call claimed.
   */
  async claim(token: string, limit: number, now: Date, until: Date): Promise<TrackingOutboxEntry[]> {
    await this.db.$executeRaw`
      UPDATE tracking_outbox
      SET claimed_by = ${token}, claimed_until = ${until}, updated_at = ${now}
      WHERE status = 'PENDING' AND next_attempt_at <= ${now}
        AND (claimed_until IS NULL OR claimed_until < ${now})
      ORDER BY next_attempt_at, id
      LIMIT ${limit}`;
    return this.db.trackingOutboxEntry.findMany({
      where: { claimedBy: token },
      orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** Extends a claim before sending the entry, so the lease covers this entry's send; false when lost. */
  async renewClaim(id: number, token: string, until: Date): Promise<boolean> {
    const { count } = await this.db.trackingOutboxEntry.updateMany({
      where: { id, claimedBy: token },
      data: { claimedUntil: until },
    });
    return count === 1;
  }

  /** Gives back entries claimed but not tried (the worker is stopping), so another worker takes them now. */
  async release(ids: number[], token: string): Promise<void> {
    if (ids.length === 0) return;
    await this.db.trackingOutboxEntry.updateMany({
      where: { id: { in: ids }, claimedBy: token },
      data: { claimedBy: null, claimedUntil: null },
    });
  }

  /** Stores what was done so far; false when the claim was lost, and the sender must stop. */
  async saveProgress(
    id: number,
    token: string,
    progress: Prisma.InputJsonValue,
    mlflowRunId?: string,
  ): Promise<boolean> {
    const { count } = await this.db.trackingOutboxEntry.updateMany({
      where: { id, claimedBy: token },
      data: { progress, ...(mlflowRunId === undefined ? {} : { mlflowRunId }) },
    });
    return count === 1;
  }

  async markSent(id: number, token: string): Promise<boolean> {
    const { count } = await this.db.trackingOutboxEntry.updateMany({
      where: { id, claimedBy: token },
      data: { status: 'SENT', sentAt: new Date(), lastError: null, claimedBy: null, claimedUntil: null },
    });
    return count === 1;
  }

  async markAttemptFailed(id: number, token: string, attempt: FailedAttempt): Promise<boolean> {
    const { count } = await this.db.trackingOutboxEntry.updateMany({
      where: { id, claimedBy: token },
      data: {
        attempts: { increment: 1 },
        lastError: attempt.error.slice(0, MAX_ERROR_LENGTH),
        nextAttemptAt: attempt.nextAttemptAt,
        status: attempt.giveUp ? 'FAILED' : 'PENDING',
        claimedBy: null,
        claimedUntil: null,
      },
    });
    return count === 1;
  }

  /** Makes a model version's waiting entries due now: what they waited for (a run, a registration) is there. */
  async wakeModelVersion(modelVersionId: number): Promise<void> {
    await this.db.trackingOutboxEntry.updateMany({
      where: { modelVersionId, status: 'PENDING', claimedBy: null },
      data: { nextAttemptAt: new Date() },
    });
  }

  async setJobTracking(jobId: string, tracking: TrackingState): Promise<void> {
    await this.db.job.updateMany({ where: { id: jobId }, data: { tracking } });
  }

  /** Derives the job's tracking state from its entries: PENDING while any is, FAILED if any gave up, else SENT. */
  async refreshJobTracking(jobId: string): Promise<TrackingState | null> {
    const entries = await this.db.trackingOutboxEntry.findMany({
      where: { jobId },
      select: { status: true },
    });
    if (entries.length === 0) return null;
    const statuses = new Set(entries.map((entry) => entry.status));
    const tracking: TrackingState = statuses.has('PENDING')
      ? 'PENDING'
      : statuses.has('FAILED')
        ? 'FAILED'
        : 'SENT';
    await this.setJobTracking(jobId, tracking);
    return tracking;
  }
}
