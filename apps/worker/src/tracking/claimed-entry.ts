import type { TrackingOutboxEntry, TrackingOutboxRepository } from '@shelfwise/db';
import { TrackingClaimLostError } from './tracking-claim-lost-error';
import { type OutboxProgress, outboxProgress } from './tracking-payloads';

/** An entry this dispatcher pass holds, with the progress it saves as each MLflow step is done. */
export class ClaimedEntry {
  private current: OutboxProgress;

  constructor(
    readonly entry: TrackingOutboxEntry,
    private readonly outbox: TrackingOutboxRepository,
    private readonly token: string,
  ) {
    this.current = outboxProgress.parse(entry.progress ?? {});
  }

  get progress(): Readonly<OutboxProgress> {
    return this.current;
  }

  /** Saves progress in MySQL before the next step; throws TrackingClaimLostError if the claim is gone. */
  async save(update: Partial<OutboxProgress>): Promise<void> {
    const next = { ...this.current, ...update };
    if (!(await this.outbox.saveProgress(this.entry.id, this.token, next, next.runId))) {
      throw new TrackingClaimLostError(this.entry.id);
    }
    this.current = next;
  }
}
