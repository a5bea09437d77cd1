import type { ClaimedEntry } from './claimed-entry';

/**
 * Sends one kind of outbox entry. Every step must be safe to repeat: an attempt can fail after MLflow
 * applied a call, and the next attempt starts over from the progress saved so far.
 */
export interface EntrySender {
  send(claimed: ClaimedEntry): Promise<void>;
}
