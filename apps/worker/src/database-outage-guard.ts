import { isConnectionFailure } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { DelayedError, type Job } from 'bullmq';

export interface Processor {
  process(job: Job, token?: string): Promise<unknown>;
}

/** What the guard pauses: the BullMQ Workers of this process. */
export interface Pausable {
  pause(doNotWaitActive?: boolean): Promise<void>;
  resume(): Promise<void>;
}

export interface OutageGuardOptions {
  /** Resolves when MySQL answers, rejects while it does not. */
  probe(): Promise<unknown>;
  /** How long a job waits before it is tried again, and how often MySQL is probed meanwhile. */
  retryMs: number;
  logger: Logger;
}

/**
 * MySQL holds every job's state: a job that cannot read or write its row must neither fail nor use up an
 * attempt, or a short outage would turn into FAILED jobs (or rows left RUNNING for ever). On a MySQL
 * connection failure the job goes back to Redis, delayed, its attempt not counted; every consumer of this
 * process pauses (taking more jobs would only bounce them), MySQL is probed every `retryMs`, and the
 * consumers resume once it answers.
 */
export class DatabaseOutageGuard implements Processor {
  private consumers: Pausable[] = [];
  private outage: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly inner: Processor,
    private readonly options: OutageGuardOptions,
  ) {}

  /** The consumers to pause during an outage (they are built with this guard as their processor). */
  watch(consumers: Pausable[]): void {
    this.consumers = consumers;
  }

  /** Ends an outage's probing (shutdown): consumers being closed must not be resumed. */
  stop(): void {
    this.stopped = true;
  }

  process = async (job: Job, token?: string): Promise<unknown> => {
    try {
      return await this.inner.process(job, token);
    } catch (error) {
      if (!isConnectionFailure(error) || token === undefined) throw error;
      this.outage ??= this.waitForDatabase(error).finally(() => {
        this.outage = undefined;
      });
      // skipAttempt: the job is retried later as if this attempt never started.
      await job.moveToDelayed(Date.now() + this.options.retryMs, token);
      throw new DelayedError(`MySQL is unreachable: job ${job.id} waits for it`);
    }
  };

  private async waitForDatabase(cause: unknown): Promise<void> {
    const { logger, retryMs } = this.options;
    logger.warn({ err: cause }, 'MySQL is unreachable: consumers paused until it answers');
    // Not waiting for active jobs: the job that met the outage is one of them, still in this call stack.
    await Promise.all(this.consumers.map((consumer) => consumer.pause(true)));
    const started = Date.now();
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, retryMs));
      if (this.stopped) return;
      try {
        await this.options.probe();
        break;
      } catch {
        // Still down: the next probe comes after another retryMs.
      }
    }
    await Promise.all(this.consumers.map((consumer) => consumer.resume()));
    logger.info({ downMs: Date.now() - started }, 'MySQL answers again: consumers resumed');
  }
}
