/** The entry's claim expired or its payload was replaced while sending: another pass owns it now. */
export class TrackingClaimLostError extends Error {
  constructor(readonly entryId: number) {
    super(`outbox entry ${entryId} is no longer claimed by this dispatcher`);
    this.name = 'TrackingClaimLostError';
  }
}
