/** The watchdog stopped a run whose progress had not moved for the stall timeout: transient, retried. */
export class JobStalledError extends Error {
  constructor(
    readonly jobId: string,
    stallMs: number,
    progress: number,
  ) {
    super(
      `job ${jobId} made no progress for ${Math.round(stallMs / 1_000)} s (stuck at ${Math.round(Math.max(0, progress) * 100)}%): stopped to be retried`,
    );
    this.name = 'JobStalledError';
  }
}
