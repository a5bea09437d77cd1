import { randomUUID } from 'node:crypto';
import type { TrackingKind, TrackingOutboxEntry, TrackingOutboxRepository } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { ClaimedEntry } from './claimed-entry';
import type { EntrySender } from './entry-sender';
import { retryBackoff } from './retry-backoff';
import { TrackingClaimLostError } from './tracking-claim-lost-error';
import { TrackingDependencyError } from './tracking-dependency-error';
import { TrackingPermanentError } from './tracking-permanent-error';

export interface OutboxDispatcherOptions {
  outbox: TrackingOutboxRepository;
  senders: Record<TrackingKind, EntrySender>;
  /** Runs before each pass, e.g. to record an alias move; a failure is logged and the pass goes on. */
  beforePass?: () => Promise<void>;
  /** Time between passes, and the first retry delay (which doubles up to maxBackoffMs). */
  intervalMs: number;
  batchSize: number;
  maxAttempts: number;
  maxBackoffMs: number;
  /** How long a claim lasts: longer than sending one entry can take, so no other worker sends it meanwhile. */
  leaseMs: number;
  logger: Logger;
}

/**
 * Sends due outbox entries to MLflow, in every worker: each pass claims a batch atomically (so no two
 * workers send the same entry), sends the entries one after the other, and marks each SENT, or backs
 * it off exponentially until its attempts run out (FAILED). The job row's tracking state follows.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private again = false;
  /** The background loop runs (start was called, stop not yet). */
  private looping = false;
  private stopping = false;

  constructor(private readonly options: OutboxDispatcherOptions) {}

  start(): void {
    this.looping = true;
    this.schedule(0);
  }

  /** Starts a pass now (or right after the running one), e.g. when a job has just recorded entries. */
  kick(): void {
    if (!this.looping) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** One pass over the due entries; concurrent calls share it. Resolves to the number of entries tried. */
  sendDue(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the loop and waits for the entry being sent; claimed entries not yet tried are released. */
  async stop(): Promise<void> {
    this.looping = false;
    this.stopping = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.sendDue()
        .catch((error: unknown) => this.options.logger.warn({ err: error }, 'tracking outbox pass failed'))
        .finally(() => {
          const soon = this.again;
          this.again = false;
          if (this.looping) this.schedule(soon ? 0 : this.options.intervalMs);
        });
    }, delayMs);
    // The worker's queues and servers keep the process alive; this timer alone should not.
    this.timer.unref();
  }

  private async pass(): Promise<number> {
    const { outbox, logger } = this.options;
    await this.options.beforePass?.().catch((error: unknown) => {
      logger.warn({ err: error }, 'tracking outbox: could not check the serving model version');
    });
    const token = randomUUID();
    const now = new Date();
    const entries = await outbox.claim(
      token,
      this.options.batchSize,
      now,
      new Date(now.getTime() + this.options.leaseMs),
    );
    let tried = 0;
    try {
      for (const entry of entries) {
        if (this.stopping) break;
        await this.sendOne(entry, token);
        tried++;
      }
    } finally {
      // Stopping, or MySQL failed mid-pass: the untried entries go back now rather than when the lease ends.
      await outbox.release(
        entries.slice(tried).map((entry) => entry.id),
        token,
      );
    }
    return entries.length;
  }

  private async sendOne(entry: TrackingOutboxEntry, token: string): Promise<void> {
    const { outbox, logger } = this.options;
    const context = { entryId: entry.id, kind: entry.kind, jobId: entry.jobId ?? undefined };
    // The batch's claim was taken before the entries ahead of this one were sent: renew it for this one.
    if (!(await outbox.renewClaim(entry.id, token, new Date(Date.now() + this.options.leaseMs)))) return;
    try {
      await this.options.senders[entry.kind].send(new ClaimedEntry(entry, outbox, token));
      if (await outbox.markSent(entry.id, token)) {
        logger.debug(context, 'tracking entry sent');
        // Entries of the same model version may have been waiting for this one (a run, a registration).
        if (entry.modelVersionId !== null) await outbox.wakeModelVersion(entry.modelVersionId);
      }
    } catch (error) {
      if (error instanceof TrackingClaimLostError) {
        logger.info(context, 'tracking entry was taken over while sending; leaving it to its new owner');
        return;
      }
      const attempt = entry.attempts + 1;
      const giveUp = error instanceof TrackingPermanentError || attempt >= this.options.maxAttempts;
      const delayMs = retryBackoff(attempt, this.options.intervalMs, this.options.maxBackoffMs);
      const reason = error instanceof Error ? error.message : String(error);
      await outbox.markAttemptFailed(entry.id, token, {
        error: reason,
        nextAttemptAt: new Date(Date.now() + delayMs),
        giveUp,
      });
      // The reason only: MLflow's message and the request line, never the payload. Waiting for another
      // entry is routine, not worth a warning.
      const level = error instanceof TrackingDependencyError && !giveUp ? 'debug' : 'warn';
      logger[level](
        { ...context, attempt, reason, retryInMs: giveUp ? undefined : delayMs },
        giveUp ? 'tracking entry failed for good' : 'tracking entry not sent; will retry',
      );
    }
    if (entry.jobId) await outbox.refreshJobTracking(entry.jobId);
  }
}
