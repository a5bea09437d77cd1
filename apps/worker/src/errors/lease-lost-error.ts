/** Another run owns the job now (this one's lease expired and was claimed): stop, write nothing more. */
export class LeaseLostError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} is owned by another run now; this run stops without writing`);
    this.name = 'LeaseLostError';
  }
}
