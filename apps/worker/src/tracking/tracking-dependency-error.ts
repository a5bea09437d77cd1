/** The entry needs another one sent first (a run created, a version registered); it is tried again later. */
export class TrackingDependencyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrackingDependencyError';
  }
}
