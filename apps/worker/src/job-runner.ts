import {
  CATALOG,
  isJobName,
  type JobName,
  jobFailureReason,
  type QueueName,
  readPayload,
} from '@shelfwise/contracts';
import type { JobRepository, Prisma, RunOwner } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { JobOutcomeLabel, WorkerMetrics } from '@shelfwise/metrics';
import type { JobProducer } from '@shelfwise/queue';
import { DelayedError, type Job, UnrecoverableError, WaitingChildrenError } from 'bullmq';
import { ChildrenPendingError } from './errors/children-pending-error';
import { describeFailure } from './errors/describe-failure';
import { JobCancelledError } from './errors/job-cancelled-error';
import { LeaseLostError } from './errors/lease-lost-error';
import { WorkerStoppingError } from './errors/worker-stopping-error';
import type { JobContext, JobOutcome } from './job-context';
import type { HandlerEntry } from './job-handlers';
import { JobRun } from './run/job-run';
import type { RunningJobs } from './run/running-jobs';

type RecordedRun = (context: JobContext) => Promise<JobOutcome<unknown>>;

export interface JobRunnerDependencies {
  handlers: Map<JobName, HandlerEntry>;
  jobs: JobRepository;
  logger: Logger;
  /** Jobs by type and outcome, and their durations, for /metrics. */
  metrics: Pick<WorkerMetrics, 'jobFinished'>;
  /** The MySQL lease of a run of a job on `queue` (as long as the queue's BullMQ lock). */
  leaseMs(queue: QueueName): number;
  /** The watchdog: a run whose progress does not move for this long is stopped and retried. */
  stallTimeoutMs: number;
  /** True for an error that means a dependency is down: the outage guard defers the job instead. */
  isOutage(error: unknown): boolean;
  running: RunningJobs;
  /** Adds the child jobs a run hands its job to (the chunks of a large predict job). */
  producer: Pick<JobProducer, 'addChildren'>;
}

// A copy put back because another run holds the job is tried again this long after that lease ends.
const LEASE_MARGIN_MS = 250;

/**
 * The BullMQ processor: validates the payload against its catalog schema, claims the job row for one run
 * (a second copy of a job another run holds is put back until that lease ends), drives the row through
 * writes fenced by the run's token (RUNNING → SUCCEEDED/FAILED, or back to QUEUED while a retry is pending),
 * and turns permanent failures into UnrecoverableError so BullMQ retries only transient ones. A write that
 * does not apply (the job was cancelled, or another run owns it now) ends the run without writing.
 */
export class JobRunner {
  /**
   * Runs this process gave up during a MySQL outage without being able to give the job back: when the job
   * comes back here, their leases are ended first, so it is claimed at once rather than after the lease.
   */
  private readonly unreleased = new Map<string, RunOwner>();

  constructor(private readonly deps: JobRunnerDependencies) {}

  private measured(job: Job, started: number, outcome: JobOutcomeLabel): void {
    this.deps.metrics.jobFinished(job.name, outcome, (performance.now() - started) / 1_000);
  }

  process = async (job: Job, token?: string): Promise<unknown> => {
    const entry = isJobName(job.name) ? this.deps.handlers.get(job.name) : undefined;
    if (!entry) throw new UnrecoverableError(`no handler for job "${job.name}"`);
    return this.dispatch(entry, job, token);
  };

  /** Generic over the job name, so the payload read by its catalog entry is the one its handler takes. */
  private async dispatch<N extends JobName>(
    entry: HandlerEntry<N>,
    job: Job,
    token: string | undefined,
  ): Promise<unknown> {
    const started = performance.now();
    // The current payload version, or the previous one upgraded (a producer of the release before).
    const read = readPayload(CATALOG[entry.name], job.data);
    if (!read.ok) {
      const message = `payload of ${job.name} is invalid: ${read.problems}`;
      if (entry.handler.kind === 'recorded' && job.id) {
        await this.deps.jobs.markFailed(job.id, { code: 'INVALID_REQUEST', message });
      }
      this.measured(job, started, 'failed');
      throw new UnrecoverableError(message);
    }
    const { handler } = entry;
    const { payload } = read;
    if (handler.kind === 'recorded') {
      return this.runRecorded(job, token, CATALOG[entry.name].queue, (context) =>
        handler.run(payload, context),
      );
    }
    try {
      const result = await handler.run(payload);
      this.measured(job, started, 'succeeded');
      return result;
    } catch (error) {
      this.measured(job, started, 'failed');
      const failure = describeFailure(error);
      // No row carries the code: the reason does, as data, so the waiting caller can tell why (NO_MODEL).
      throw failure.permanent ? new UnrecoverableError(jobFailureReason(failure)) : error;
    }
  }

  private async runRecorded(
    job: Job,
    token: string | undefined,
    queue: QueueName,
    handler: RecordedRun,
  ): Promise<unknown> {
    const id = job.id;
    if (!id) throw new UnrecoverableError('job has no id');
    const { jobs } = this.deps;
    const started = performance.now();
    const jobLogger = this.deps.logger.child({ jobId: id, queue: job.queueName, job: job.name });
    const leaseMs = this.deps.leaseMs(queue);
    const unreleased = this.unreleased.get(id);
    if (unreleased) {
      await jobs.releaseLease(unreleased);
      this.unreleased.delete(id);
    }
    const claim = await jobs.claimRun(id, leaseMs);
    if (claim.kind === 'ended' || claim.kind === 'missing') {
      jobLogger.info('job is cancelled or already finished; skipping');
      this.measured(job, started, 'skipped');
      return null;
    }
    if (claim.kind === 'leased') {
      // A second copy (Redis lost its data and the job was enqueued again, say) while the first run still
      // holds the job: neither run it nor drop it. It comes back once that lease ends, and is skipped if the
      // job finished by then or claimed if that run died. Not counted as an attempt.
      jobLogger.info(
        { retryInMs: claim.retryInMs },
        'another run holds the job; put back until its lease ends',
      );
      if (token === undefined) throw new Error(`job ${id} is held by another run`);
      await job.moveToDelayed(Date.now() + claim.retryInMs + LEASE_MARGIN_MS, token);
      throw new DelayedError(`job ${id} is held by another run`);
    }

    // `attempt`: this start of the job, counted in MySQL over every start (a stalled run taken over included).
    const logger = jobLogger.child({ attempt: claim.attempts });
    const run = new JobRun({
      jobs,
      owner: claim.run,
      leaseMs,
      stallTimeoutMs: this.deps.stallTimeoutMs,
      logger,
    });
    this.deps.running.add(job.queueName, run);
    logger.info('job started');
    try {
      const outcome = await run.execute(() => handler(this.context(job, token, run, claim.attempts, logger)));
      // Handlers stop short of 100% (the last step is writing the outcome); bull-board shows this figure.
      await showProgress(job, 100, logger);
      const recorded = await jobs.markSucceeded(run.owner, {
        outputUri: outcome.outputUri,
        result: outcome.result as Prisma.InputJsonValue,
        modelVersionId: outcome.modelVersionId,
      });
      if (!recorded) await run.lost();
      logger.info({ durationMs: Math.round(performance.now() - started) }, 'job succeeded');
      this.measured(job, started, 'succeeded');
      return outcome.result;
    } catch (error) {
      // The reason the run was stopped explains the failure better than the stream error it caused.
      if (error instanceof ChildrenPendingError) return await this.waiting(job, run, error, logger, started);
      return await this.failed(job, run, run.signal.aborted ? run.signal.reason : error, logger, started);
    } finally {
      run.stop();
      this.deps.running.remove(job.queueName, run);
    }
  }

  private async failed(
    job: Job,
    run: JobRun,
    error: unknown,
    logger: Logger,
    started: number,
  ): Promise<null> {
    const { jobs } = this.deps;
    if (error instanceof JobCancelledError) {
      logger.info('job cancelled while running; outputs discarded');
      this.measured(job, started, 'cancelled');
      return null;
    }
    if (error instanceof LeaseLostError) {
      // Not an outcome of the job: another run owns it and records what happens to it.
      logger.warn('another run took the job over; this run stops without writing');
      this.measured(job, started, 'skipped');
      return null;
    }
    if (error instanceof WorkerStoppingError) {
      // The row stays RUNNING; its lease ends now so the worker that BullMQ hands the job to may claim it at once.
      await jobs.releaseLease(run.owner);
      logger.warn('job interrupted by the shutdown; left for another worker');
      throw error;
    }
    const failure = describeFailure(error);
    if (this.deps.isOutage(error)) {
      // The guard puts the job back without counting the attempt; the row waits for it, saying why.
      const given = await jobs.markRetrying(run.owner, failure).catch((writeError: unknown) => {
        this.unreleased.set(run.owner.jobId, run.owner);
        throw writeError;
      });
      if (!given) return this.notRecorded(job, run, logger, started);
      logger.warn({ code: failure.code, reason: failure.message }, 'job waits for a dependency');
      throw error;
    }
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (failure.permanent || lastAttempt) {
      if (!(await jobs.markFailed(run.owner, failure))) return this.notRecorded(job, run, logger, started);
      logger.warn({ code: failure.code, reason: failure.message }, 'job failed');
      this.measured(job, started, 'failed');
      throw failure.permanent ? new UnrecoverableError(failure.message) : error;
    }
    if (!(await jobs.markRetrying(run.owner, failure))) return this.notRecorded(job, run, logger, started);
    logger.warn({ code: failure.code, reason: failure.message }, 'job failed; will retry');
    this.measured(job, started, 'retrying');
    throw error;
  }

  /**
   * The job waits for its children in BullMQ's waiting-children: the row stays RUNNING with its lease
   * ended (nobody holds it meanwhile; the reconciler leaves a job BullMQ knows alone), and BullMQ is told
   * not to complete the job (WaitingChildrenError) but to run it again after its children.
   */
  private async waiting(
    job: Job,
    run: JobRun,
    error: ChildrenPendingError,
    logger: Logger,
    started: number,
  ): Promise<never> {
    await this.deps.jobs.releaseLease(run.owner);
    logger.info(error.message);
    this.measured(job, started, 'waiting');
    throw new WaitingChildrenError();
  }

  /** A failure that could not be recorded because the run no longer owns the job: say why, write nothing. */
  private async notRecorded(job: Job, run: JobRun, logger: Logger, started: number): Promise<null> {
    const reason = await run.lost().catch((error: unknown) => error);
    return this.failed(job, run, reason, logger, started);
  }

  private context(
    job: Job,
    token: string | undefined,
    run: JobRun,
    attempt: number,
    logger: Logger,
  ): JobContext {
    const { jobs } = this.deps;
    const owned = async (write: Promise<boolean>) => {
      if (!(await write)) await run.lost();
    };
    return {
      jobId: run.owner.jobId,
      attempt,
      logger,
      signal: run.signal,
      progress: async (fraction: number) => {
        run.moved(fraction);
        await Promise.all([
          owned(jobs.reportProgress(run.owner, fraction)),
          showProgress(job, Math.round(fraction * 100), logger),
        ]);
      },
      checkCancelled: async () => {
        run.signal.throwIfAborted();
      },
      report: async (report) => owned(jobs.recordReport(run.owner, report)),
      useModelVersion: async (modelVersionId: number, version: number) => {
        // Bound once known: every later line of this job names the model version too.
        logger.setBindings({ modelVersion: version });
        logger.info('using model version');
        await owned(jobs.recordModelVersion(run.owner, modelVersionId));
      },
      confirmOwnership: () => run.confirm(),
      pinInputs: async (current) => (await jobs.pinInputVersions(run.owner, current)) ?? run.lost(),
      waitForChildren: async (name, children) => {
        if (!job.id || token === undefined) throw new Error(`job ${job.name} cannot have children here`);
        await run.confirm();
        await this.deps.producer.addChildren({ id: job.id, queue: job.queueQualifiedName }, name, children);
        // False: every child has completed already (none is left in the job's dependencies).
        if (await job.moveToWaitingChildren(token)) throw new ChildrenPendingError(job.id, children.length);
      },
    };
  }
}

/**
 * The queue's copy of the progress only feeds bull-board: MySQL holds the job's. After Redis lost its data the
 * job's key is gone and the update fails; that must not fail a job that runs fine.
 */
async function showProgress(job: Job, percent: number, logger: Logger): Promise<void> {
  await job.updateProgress(percent).catch((error: unknown) => {
    logger.debug({ err: error }, 'progress not shown in the queue');
  });
}
