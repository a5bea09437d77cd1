import { type JobView, jobReport } from '@shelfwise/contracts';
import type { Job } from '@shelfwise/db';
import { storedResult } from './stored-result';

const iso = (date: Date | null): string | null => date?.toISOString() ?? null;

/** Result rows carry the version *number* (the row's model_version_id is a database key). */
function modelVersionOf(result: unknown): number | null {
  if (result !== null && typeof result === 'object' && 'model_version' in result) {
    const { model_version } = result;
    if (typeof model_version === 'number') return model_version;
  }
  return null;
}

/** A job row as the API shows it. */
export function toJobView(job: Job): JobView {
  const hasResult = job.result !== null || job.outputUri !== null;
  const details = storedResult(job.result);
  return {
    job_id: job.id,
    type: job.type,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    input: job.input,
    created_at: job.createdAt.toISOString(),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    result: hasResult ? { output_uri: job.outputUri, model_version: modelVersionOf(details), details } : null,
    // Written by the worker in the contract's shape while the job runs; kept after it ends.
    report: jobReport.safeParse(job.report).data ?? null,
    // A job waiting for a retry keeps its last error, so users see why it is not done yet.
    error: job.errorCode ? { code: job.errorCode, message: job.errorMessage ?? '' } : null,
  };
}
