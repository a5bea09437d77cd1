import type { Logger } from '@shelfwise/logger';

/** What a handler may do besides its work: report progress, know whether it was cancelled, log. */
export interface JobContext {
  jobId: string;
  attempt: number;
  logger: Logger;
  progress(fraction: number): Promise<void>;
  /** Throws JobCancelledError when the job row was cancelled; call between batches. */
  checkCancelled(): Promise<void>;
  /** Records the model version the job uses, as soon as it is known. */
  useModelVersion(modelVersionId: number, version: number): Promise<void>;
}

/** A handler's outcome, written to the job row on success. */
export interface JobOutcome<R> {
  result: R;
  outputUri?: string;
  modelVersionId?: number;
}
