/** The worker's shutdown grace time ran out while the job ran: it is left for another worker to run. */
export class WorkerStoppingError extends Error {
  constructor() {
    super('the worker is shutting down: the job is left for another worker');
    this.name = 'WorkerStoppingError';
  }
}
