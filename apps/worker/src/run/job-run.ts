import type { JobRepository, LeaseState, RunOwner } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { JobCancelledError } from '../errors/job-cancelled-error';
import { JobStalledError } from '../errors/job-stalled-error';
import { LeaseLostError } from '../errors/lease-lost-error';

export interface JobRunOptions {
  jobs: JobRepository;
  owner: RunOwner;
  /** The lease in MySQL; renewed every third of it (at most every 2 s, which also bounds how late a cancel is seen). */
  leaseMs: number;
  /** The watchdog: no progress for this long stops the run (JobStalledError). */
  stallTimeoutMs: number;
  logger: Logger;
}

const MAX_HEARTBEAT_MS = 2_000;
// How long a stopped handler gets to unwind (close its streams, abort its uploads) before it is abandoned.
const MAX_ABANDON_GRACE_MS = 10_000;

/**
 * One run of a job: the lease it renews, the watchdog on its progress, and the signal that stops it. The
 * signal aborts when the row is cancelled, when another run took the job (lease lost), when progress stops
 * moving, or when the worker shuts down; the handler's streams are destroyed through it.
 */
export class JobRun {
  private readonly controller = new AbortController();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly watchdog: NodeJS.Timeout;
  private renewing: Promise<void> | undefined;
  private progress = -1;
  private movedAt = Date.now();
  private abortedAt: number | undefined;
  private readonly graceMs: number;

  constructor(private readonly options: JobRunOptions) {
    this.graceMs = Math.min(options.stallTimeoutMs, MAX_ABANDON_GRACE_MS);
    this.heartbeat = setInterval(
      () => {
        this.renewing ??= this.renew().finally(() => {
          this.renewing = undefined;
        });
      },
      Math.min(options.leaseMs / 3, MAX_HEARTBEAT_MS),
    );
    this.watchdog = setInterval(() => this.watch(), Math.min(1_000, options.stallTimeoutMs / 4));
    this.heartbeat.unref();
    this.watchdog.unref();
  }

  get owner(): RunOwner {
    return this.options.owner;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Feeds the watchdog: only a fraction above the last one counts as movement. */
  moved(fraction: number): void {
    if (fraction <= this.progress) return;
    this.progress = fraction;
    this.movedAt = Date.now();
  }

  stopWith(reason: Error): void {
    if (this.signal.aborted) return;
    this.abortedAt = Date.now();
    this.controller.abort(reason);
  }

  /** Stopped, and still not done after the grace time: the worker slot it occupies is stuck. */
  isStuck(now = Date.now()): boolean {
    return this.abortedAt !== undefined && now - this.abortedAt > this.graceMs;
  }

  /**
   * Runs the handler. Once the run is stopped, the handler gets the grace time to end; if it does not (an
   * await that ignores the signal), the run stops waiting and rejects with the stop reason, so the job is
   * failed over instead of holding the slot. Every write of the abandoned handler is fenced by the token.
   */
  async execute<T>(work: () => Promise<T>): Promise<T> {
    const handler = work();
    let timer: NodeJS.Timeout | undefined;
    const abandon = new Promise<never>((_, reject) => {
      const onStop = () => {
        timer = setTimeout(() => {
          this.options.logger.error(
            { graceMs: this.graceMs, reason: String(this.signal.reason) },
            'the stopped job did not end within its grace time; abandoned',
          );
          reject(this.signal.reason);
        }, this.graceMs);
      };
      if (this.signal.aborted) onStop();
      else this.signal.addEventListener('abort', onStop, { once: true });
    });
    // The loser of the race must not surface as an unhandled rejection.
    handler.catch(() => {});
    abandon.catch(() => {});
    try {
      return await Promise.race([handler, abandon]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Renews the lease now; throws the reason if the run no longer owns the job (and stops it). */
  async confirm(): Promise<void> {
    this.signal.throwIfAborted();
    this.settle(await this.options.jobs.renewLease(this.owner, this.options.leaseMs));
    this.signal.throwIfAborted();
  }

  /**
   * A write of this run did not apply: find out why (cancelled, or taken by another run), stop the run
   * with that reason, and throw it.
   */
  async lost(): Promise<never> {
    const row = await this.options.jobs.findById(this.owner.jobId);
    this.settle(row?.status === 'CANCELLED' ? 'cancelled' : 'lost');
    throw this.signal.reason;
  }

  /** Ends the timers; the signal stays as it is. */
  stop(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.watchdog);
  }

  private async renew(): Promise<void> {
    try {
      this.settle(await this.options.jobs.renewLease(this.owner, this.options.leaseMs));
    } catch (error) {
      // MySQL did not answer: the run goes on; its next write meets the outage guard, and until the lease
      // runs out nobody else may claim the job.
      this.options.logger.warn({ err: error }, 'could not renew the job lease');
    }
  }

  private settle(state: LeaseState): void {
    const { jobId } = this.owner;
    if (state === 'cancelled') this.stopWith(new JobCancelledError(jobId));
    else if (state === 'lost') this.stopWith(new LeaseLostError(jobId));
  }

  private watch(): void {
    if (Date.now() - this.movedAt <= this.options.stallTimeoutMs || this.signal.aborted) return;
    const error = new JobStalledError(this.owner.jobId, this.options.stallTimeoutMs, this.progress);
    this.options.logger.warn({ progress: this.progress }, error.message);
    this.stopWith(error);
  }
}
