import type { JobName, JobPayload, JobReport, PayloadBody } from '@shelfwise/contracts';
import type { InputVersion } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';

/** What a handler may do besides its work: report progress, know whether it must stop, log. */
export interface JobContext {
  jobId: string;
  /** This start of the job, counted over every start (a takeover after a stalled worker included). */
  attempt: number;
  logger: Logger;
  /**
   * Aborted when the run must stop: the job was cancelled, its progress stopped moving (the watchdog), its
   * lease was lost to another run, or the worker is shutting down past its grace time. Pass it to every
   * download and upload: they are destroyed on abort, so nothing hangs and no connection is left open.
   */
  signal: AbortSignal;
  /** A fraction in 0..1 that should grow: a run whose progress does not move for the stall timeout is stopped. */
  progress(fraction: number): Promise<void>;
  /** Throws the reason the run must stop (JobCancelledError when cancelled), if any; call between batches. */
  checkCancelled(): Promise<void>;
  /** Shows what the job has done so far on its row (GET /v1/jobs/:id): a training job's epochs and decision. */
  report(report: JobReport): Promise<void>;
  /** Records the model version the job uses, as soon as it is known. */
  useModelVersion(modelVersionId: number, version: number): Promise<void>;
  /**
   * Renews the lease and throws unless this run still owns the job: call right before committing an output
   * (completing an upload, storing a model version), so a stale run never commits over the current one.
   */
  confirmOwnership(): Promise<void>;
  /**
   * Pins the versions of the inputs read (a prefix's listing) on the first attempt; returns the pinned ones,
   * which every later attempt reads instead of a new listing.
   */
  pinInputs(current: InputVersion[]): Promise<InputVersion[]>;
  /**
   * Hands the rest of the job to child jobs any worker may take (adding children that exist already is a
   * no-op) and ends this run: it throws ChildrenPendingError, and the job runs again, as a new run, once
   * every child has completed. Returns when none of them is pending any more: go on at once.
   */
  waitForChildren<N extends JobName>(
    name: N,
    children: readonly { id: string; body: PayloadBody<JobPayload<N>> }[],
  ): Promise<void>;
}

/** A handler's outcome, written to the job row on success. */
export interface JobOutcome<R> {
  result: R;
  outputUri?: string;
  modelVersionId?: number;
}
