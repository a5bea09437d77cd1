/** The job was still going when `--timeout` ran out (it keeps running: nothing was cancelled). */
export class WaitTimeoutError extends Error {
  constructor(
    readonly jobId: string,
    readonly lastStatus: string,
    timeoutSeconds: number,
  ) {
    super(`job ${jobId} is still ${lastStatus} after ${timeoutSeconds} s`);
    this.name = 'WaitTimeoutError';
  }
}
