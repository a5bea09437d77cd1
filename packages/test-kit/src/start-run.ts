import type { JobRepository, RunOwner } from '@shelfwise/db';

/** Claims a job row for a run, as a worker starting it does: for tests that need a RUNNING job. */
export async function startRun(jobs: JobRepository, jobId: string, leaseMs = 60_000): Promise<RunOwner> {
  const claim = await jobs.claimRun(jobId, leaseMs);
  if (claim.kind !== 'claimed') throw new Error(`job ${jobId} could not be claimed: ${claim.kind}`);
  return claim.run;
}
