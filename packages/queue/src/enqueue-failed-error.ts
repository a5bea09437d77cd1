const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The job's row was written but the queue refused the job. The row was marked FAILED (ENQUEUE_FAILED)
 * unless `unmarked` says why that failed too: then it is still QUEUED and the reconciler enqueues it once
 * Redis is back.
 */
export class EnqueueFailedError extends Error {
  constructor(
    readonly jobId: string,
    cause: unknown,
    readonly unmarked: unknown = undefined,
  ) {
    super(`the queue refused job ${jobId}: ${describe(cause)}`, { cause });
    this.name = 'EnqueueFailedError';
  }
}
