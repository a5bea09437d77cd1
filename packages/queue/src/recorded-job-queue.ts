import { type QueuedJob, queuedJobOf, type RecordedJobType } from '@shelfwise/contracts';
import type { Job as QueueJob } from 'bullmq';
import { EnqueueFailedError } from './enqueue-failed-error';
import type { JobProducer } from './job-producer';
import { type OwnerBacklog, OwnerPriority } from './owner-priority';
import { withDeadline } from './with-deadline';

/** A job row as the queue needs it (the db package's `Job` is one). */
export interface RecordedJob {
  id: string;
  type: RecordedJobType;
  input: unknown;
  inputVersions: unknown;
  apiKeyId: string | null;
  createdAt: Date;
}

/** What submission needs from MySQL (the JobRepository). */
export interface JobRecords<New, Row extends RecordedJob> extends OwnerBacklog {
  create(job: New): Promise<Row>;
  /** QUEUED → FAILED with ENQUEUE_FAILED (and the idempotency key freed); false when the row moved on. */
  markEnqueueFailed(id: string, message: string): Promise<boolean>;
}

export interface SubmitOptions {
  /** How long Redis may take to accept a job; undefined: as long as the connection waits for it. */
  enqueueTimeoutMs?: number | undefined;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * How a job with a MySQL row gets onto its queue, for the gateway's submission, the retrain check and
 * the reconciler alike: the payload is built from the row by the catalog (`queuedJobOf`), the BullMQ job
 * id is the row id, and the priority is the owner's fair share (owner-priority.ts).
 */
export class RecordedJobQueue<New, Row extends RecordedJob> {
  private readonly priority: OwnerPriority;

  constructor(
    private readonly records: JobRecords<New, Row>,
    private readonly producer: JobProducer,
    private readonly options: SubmitOptions = {},
  ) {
    this.priority = new OwnerPriority(records);
  }

  /**
   * Records the row, THEN enqueues it. A job the queue refused is marked FAILED, never left QUEUED, and
   * `EnqueueFailedError` thrown; an error recording the row (a unique key taken) comes through as it is.
   */
  async submit(job: New): Promise<Row> {
    const row = await this.records.create(job);
    try {
      const { enqueueTimeoutMs: ms } = this.options;
      const enqueued = this.enqueue(row);
      await (ms === undefined
        ? enqueued
        : withDeadline(enqueued, ms, () => new Error(`Redis did not accept the job within ${ms} ms`)));
    } catch (error) {
      const unmarked = await this.records
        .markEnqueueFailed(row.id, `the queue refused the job: ${describe(error)}`)
        .then(
          () => undefined,
          (markError: unknown) => markError,
        );
      throw new EnqueueFailedError(row.id, error, unmarked);
    }
    return row;
  }

  /**
   * Enqueues a recorded job (again: the reconciler's way back after Redis lost it); `queued` is the row's
   * queue job when the caller has built it already (the reconciler, to find its queue).
   */
  async enqueue(
    row: Row,
    queued: QueuedJob = queuedJobOf(row.type, row.input, row.id, row.inputVersions),
  ): Promise<QueueJob> {
    // Its place in its owner's backlog, computed from MySQL, so a job enqueued again keeps its standing.
    const priority = await this.priority.of(row);
    return this.producer.enqueue(queued, row.id, { priority });
  }
}
