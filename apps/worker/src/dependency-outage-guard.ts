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

/** A service every job needs (MySQL, S3): how its outage shows in an error, and how to see it is back. */
export interface Dependency {
  name: string;
  /** True for an error that means the service could not be reached (not one it answered). */
  isOutage(error: unknown): boolean;
  /** Resolves when the service answers, rejects while it does not. */
  probe(): Promise<unknown>;
  /** How long a job waits before it is tried again, and how often the service is probed meanwhile. */
  retryMs: number;
}

/** The dependency whose outage `error` shows, if any. */
export const outageOf = (dependencies: readonly Dependency[], error: unknown): Dependency | undefined =>
  dependencies.find((dependency) => dependency.isOutage(error));

/**
 * A job that cannot reach a service it needs must neither fail nor use up an attempt, or a short outage
 * would turn into FAILED jobs (or rows left RUNNING for ever). On an outage the job goes back to Redis,
 * delayed, its attempt not counted; every consumer of this process pauses (taking more jobs would only
 * bounce them), the service is probed every `retryMs`, and the consumers resume once every service that was
 * down answers again. (The runner has already given the job's row back, where MySQL let it.)
 */
export class DependencyOutageGuard implements Processor {
  private consumers: Pausable[] = [];
  private readonly outages = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly inner: Processor,
    private readonly dependencies: readonly Dependency[],
    private readonly logger: Logger,
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
      const dependency = outageOf(this.dependencies, error);
      if (!dependency || token === undefined) throw error;
      this.waitFor(dependency, error);
      // skipAttempt: the job is retried later as if this attempt never started.
      await job.moveToDelayed(Date.now() + dependency.retryMs, token);
      throw new DelayedError(`${dependency.name} is unreachable: job ${job.id} waits for it`);
    }
  };

  private waitFor(dependency: Dependency, cause: unknown): void {
    if (this.outages.has(dependency.name)) return;
    const pausing = this.outages.size === 0;
    this.logger.warn({ err: cause }, `${dependency.name} is unreachable: consumers paused until it answers`);
    const outage = (async () => {
      // Not waiting for active jobs: the job that met the outage is one of them, still in this call stack.
      if (pausing) await Promise.all(this.consumers.map((consumer) => consumer.pause(true)));
      const started = Date.now();
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, dependency.retryMs));
        if (this.stopped) return;
        try {
          await dependency.probe();
          break;
        } catch {
          // Still down: the next probe comes after another retryMs.
        }
      }
      this.outages.delete(dependency.name);
      if (this.outages.size > 0) {
        this.logger.info({ downMs: Date.now() - started }, `${dependency.name} answers again`);
        return;
      }
      await Promise.all(this.consumers.map((consumer) => consumer.resume()));
      this.logger.info(
        { downMs: Date.now() - started },
        `${dependency.name} answers again: consumers resumed`,
      );
    })();
    this.outages.set(dependency.name, outage);
    outage.catch((error: unknown) => this.logger.error({ err: error }, 'could not resume the consumers'));
  }
}
