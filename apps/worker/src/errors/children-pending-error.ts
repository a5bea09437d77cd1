/**
 * The run handed the job to child jobs (the chunks of a large predict job) and moved it to BullMQ's
 * waiting-children: not a failure. The runner ends the run without an outcome; the job runs again when
 * every child has completed.
 */
export class ChildrenPendingError extends Error {
  constructor(jobId: string, pending: number) {
    super(`job ${jobId} waits for ${pending} child job${pending === 1 ? '' : 's'}`);
    this.name = 'ChildrenPendingError';
  }
}
