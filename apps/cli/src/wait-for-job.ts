import type { JobView } from '@shelfwise/contracts';
import type { ShelfwiseClient } from './shelfwise-client';
import { WaitTimeoutError } from './wait-timeout-error';

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);

export interface WaitOptions {
  timeoutSeconds: number;
  intervalMs?: number;
  /** Called when the status or progress changed, to show progress. */
  onChange?: (job: JobView) => void;
}

/** Polls the job until it ends; WaitTimeoutError once the deadline passes first. */
export async function waitForJob(
  client: ShelfwiseClient,
  jobId: string,
  options: WaitOptions,
): Promise<JobView> {
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let seen = '';
  for (;;) {
    const job = await client.job(jobId);
    const state = `${job.status} ${job.progress}`;
    if (state !== seen) options.onChange?.(job);
    seen = state;
    if (TERMINAL.has(job.status)) return job;
    if (Date.now() >= deadline) throw new WaitTimeoutError(jobId, job.status, options.timeoutSeconds);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 1_000));
  }
}
