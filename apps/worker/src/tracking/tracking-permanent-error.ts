/** Sending again cannot help (what the entry needs will never exist): the entry ends FAILED at once. */
export class TrackingPermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrackingPermanentError';
  }
}
