import { JOBS, type JobName } from '@shelfwise/contracts';
import type { JobRepository } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { JobOutcomeLabel, WorkerMetrics } from '@shelfwise/metrics';
import { type Job, UnrecoverableError } from 'bullmq';
import { describeFailure } from './errors/describe-failure';
import { JobCancelledError } from './errors/job-cancelled-error';
import type { HandlerEntry } from './job-handlers';

/**
 * The BullMQ processor: validates the payload against its catalog schema, drives the job row
 * (RUNNING → SUCCEEDED/FAILED, or back to QUEUED while a retry is pending), and turns permanent
 * failures into UnrecoverableError so BullMQ retries only transient ones.
 */
export class JobRunner {
  constructor(
    private readonly deps: {
      handlers: Map<JobName, HandlerEntry>;
      jobs: JobRepository;
      logger: Logger;
      /** Jobs by type and outcome, and their durations, for /metrics. */
      metrics: Pick<WorkerMetrics, 'jobFinished'>;
    },
  ) {}

  private measured(job: Job, started: number, outcome: JobOutcomeLabel): void {
    this.deps.metrics.jobFinished(job.name, outcome, (performance.now() - started) / 1_000);
  }

  process = async (job: Job): Promise<unknown> => {
    const started = performance.now();
    const entry = this.deps.handlers.get(job.name as JobName);
    if (!entry) throw new UnrecoverableError(`no handler for job "${job.name}"`);
    const parsed = JOBS[entry.name].payload.safeParse(job.data);
    if (!parsed.success) {
      const message = `payload of ${job.name} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
      if (entry.handler.kind === 'recorded' && job.id) {
        await this.deps.jobs.markFailed(job.id, { code: 'INVALID_REQUEST', message });
      }
      this.measured(job, started, 'failed');
      throw new UnrecoverableError(message);
    }
    // The union of handler and payload is checked per job name by the catalog schema above.
    const payload = parsed.data as never;
    if (entry.handler.kind === 'direct') {
      try {
        const result = await entry.handler.run(payload);
        this.measured(job, started, 'succeeded');
        return result;
      } catch (error) {
        this.measured(job, started, 'failed');
        const failure = describeFailure(error);
        // No row carries the code: the reason starts with it, so the waiting caller can tell why (NO_MODEL).
        throw failure.permanent ? new UnrecoverableError(`${failure.code}: ${failure.message}`) : error;
      }
    }
    return this.runRecorded(job, entry.handler.run as (p: never, c: never) => Promise<never>, payload);
  };

  private async runRecorded(
    job: Job,
    run: (
      payload: never,
      context: never,
    ) => Promise<{ result: unknown; outputUri?: string; modelVersionId?: number }>,
    payload: never,
  ): Promise<unknown> {
    const id = job.id;
    if (!id) throw new UnrecoverableError('job has no id');
    const attempt = job.attemptsMade + 1;
    const logger = this.deps.logger.child({ jobId: id, queue: job.queueName, job: job.name, attempt });
    const { jobs } = this.deps;
    const started = performance.now();
    if (!(await jobs.markRunning(id, attempt))) {
      logger.info('job is cancelled or already finished; skipping');
      this.measured(job, started, 'skipped');
      return null;
    }
    logger.info('job started');
    try {
      const outcome = await run(payload, {
        jobId: id,
        attempt,
        logger,
        progress: async (fraction: number) => {
          await Promise.all([
            jobs.reportProgress(id, fraction),
            job.updateProgress(Math.round(fraction * 100)),
          ]);
        },
        checkCancelled: async () => {
          if ((await jobs.findById(id))?.status === 'CANCELLED') throw new JobCancelledError(id);
        },
        useModelVersion: async (modelVersionId: number, version: number) => {
          // Bound once known: every later line of this job names the model version too.
          logger.setBindings({ modelVersion: version });
          logger.info('using model version');
          await jobs.recordModelVersion(id, modelVersionId);
        },
      } as never);
      // Handlers stop short of 100% (the last step is writing the outcome); bull-board shows this figure.
      await job.updateProgress(100);
      await jobs.markSucceeded(id, {
        outputUri: outcome.outputUri,
        result: outcome.result as object,
        modelVersionId: outcome.modelVersionId,
      });
      logger.info({ durationMs: Math.round(performance.now() - started) }, 'job succeeded');
      this.measured(job, started, 'succeeded');
      return outcome.result;
    } catch (error) {
      if (error instanceof JobCancelledError) {
        logger.info('job cancelled while running; outputs discarded');
        this.measured(job, started, 'cancelled');
        return null;
      }
      const failure = describeFailure(error);
      const lastAttempt = attempt >= (job.opts.attempts ?? 1);
      if (failure.permanent || lastAttempt) {
        await jobs.markFailed(id, failure);
        logger.warn({ code: failure.code, reason: failure.message }, 'job failed');
        this.measured(job, started, 'failed');
        throw failure.permanent ? new UnrecoverableError(failure.message) : error;
      }
      await jobs.markRetrying(id, failure);
      logger.warn({ code: failure.code, reason: failure.message }, 'job failed; will retry');
      this.measured(job, started, 'retrying');
      throw error;
    }
  }
}
