import { randomUUID } from 'node:crypto';
import { METRIC } from '@shelfwise/metrics';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ScriptedRunner, scriptedOutcome, startScriptedRunner } from '../test/scripted-runner';
import { until } from '../test/until';
import { createWorkerServices, type WorkerServices } from '../test/worker-services';
import { JobCancelledError } from './errors/job-cancelled-error';
import { JobInputError } from './errors/job-input-error';
import { JobStalledError } from './errors/job-stalled-error';
import { LeaseLostError } from './errors/lease-lost-error';
import type { JobContext } from './job-context';

/** Why each job's run was stopped, as its handler saw it. */
const stopReasons = new Map<string, unknown>();

/** Rejects with the reason the run is stopped with, as a download destroyed by the run's signal does. */
const stopped = (context: JobContext): Promise<never> =>
  new Promise((_, reject) => {
    const stop = () => {
      stopReasons.set(context.jobId, context.signal.reason);
      reject(context.signal.reason);
    };
    if (context.signal.aborted) stop();
    else context.signal.addEventListener('abort', stop, { once: true });
  });

// The real runner, rows, queue and consumer; a scripted handler reaches each state on purpose.
describe('JobRunner', () => {
  let services: WorkerServices;
  const rigs: ScriptedRunner[] = [];
  const startRig = async (stallTimeoutMs?: number) => {
    const started = await startScriptedRunner(services, { stallTimeoutMs });
    rigs.push(started);
    return started;
  };

  let rig: ScriptedRunner;

  beforeAll(async () => {
    services = await createWorkerServices('runner');
    rig = await startRig();
  });

  afterAll(async () => {
    for (const started of rigs) await started.close();
    await services?.close();
  });

  it('claims the row for one run, keeps it RUNNING under its token, and records SUCCEEDED with the outcome', async () => {
    let seen: Awaited<ReturnType<typeof services.jobs.findById>> = null;
    const id = await rig.submit(async (context) => {
      await context.progress(0.5);
      seen = await services.jobs.findById(context.jobId);
      return scriptedOutcome(context.jobId, 7);
    }, 3);

    const job = await rig.ended(id);

    expect(seen).toMatchObject({ status: 'RUNNING', attempts: 1, progress: 0.5 });
    expect(seen).toHaveProperty('runToken', expect.any(String));
    const row = await services.jobs.findById(id);
    expect(row).toMatchObject({
      status: 'SUCCEEDED',
      progress: 1,
      attempts: 1,
      outputUri: `s3://inference/${id}/predictions.csv`,
      result: scriptedOutcome(id, 7).result,
      errorCode: null,
      leaseUntil: null,
    });
    expect(row?.finishedAt).toBeInstanceOf(Date);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toEqual(scriptedOutcome(id, 7).result);
  });

  it('fails bad input at once: FAILED with its error code, UnrecoverableError to BullMQ, no retry', async () => {
    const id = await rig.submit(async () => {
      throw new JobInputError('INVALID_CSV', 'the input has no product_description column');
    }, 3);

    const job = await rig.ended(id);

    expect(await services.jobs.findById(id)).toMatchObject({
      status: 'FAILED',
      errorCode: 'INVALID_CSV',
      errorMessage: 'the input has no product_description column',
      attempts: 1,
    });
    expect(await job.getState()).toBe('failed');
    // Three attempts allowed, one made: a permanent failure is not retried.
    expect(job.attemptsMade).toBe(1);
    expect(rig.calls.get(id)).toBe(1);
    const [error] = rig.failures.get(id) ?? [];
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect(error?.message).toBe('the input has no product_description column');
  });

  it('retries a transient failure with the row QUEUED meanwhile, then records the success', async () => {
    const id = await rig.submit(async (context, attempt) => {
      if (attempt === 1) throw new Error('connection reset by peer');
      return scriptedOutcome(context.jobId);
    }, 3);

    // Between the attempts (the backoff): the row waits for its retry, saying why, and no run holds it.
    const between = await until(async () => {
      if (!rig.failures.has(id)) return undefined;
      return services.jobs.findById(id);
    }, 'the first attempt failing');
    expect(between).toMatchObject({
      status: 'QUEUED',
      errorCode: 'TRANSIENT',
      errorMessage: 'connection reset by peer',
      runToken: null,
      leaseUntil: null,
    });
    expect(rig.failures.get(id)?.[0]).not.toBeInstanceOf(UnrecoverableError);

    const job = await rig.ended(id);
    expect(await job.getState()).toBe('completed');
    expect(rig.calls.get(id)).toBe(2);
    expect(await services.jobs.findById(id)).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      errorCode: null,
      errorMessage: null,
    });
  });

  it('skips a job delivered again after it SUCCEEDED or was CANCELLED: the handler never runs', async () => {
    const done = await rig.submit(async (context) => scriptedOutcome(context.jobId, 3), 1);
    await rig.ended(done);
    const before = await services.jobs.findById(done);
    const cancelled = randomUUID();
    await services.jobs.create({
      id: cancelled,
      type: 'PREDICT_CSV',
      input: { input_file_s3: 's3://dataset/input.csv' },
    });
    await services.jobs.markCancelled(cancelled);

    // Delivered again under the row's id, as the reconciler does once Redis lost a job (here: removed).
    await (await rig.queue.getJob(done))?.remove();
    for (const jobId of [done, cancelled]) {
      await rig.redeliver(jobId);
      const ended = await rig.ended(jobId);
      expect(await ended.getState()).toBe('completed');
      expect(ended.returnvalue).toBeNull();
    }

    expect(rig.calls.get(done)).toBe(1);
    expect(rig.calls.has(cancelled)).toBe(false);
    expect(await services.jobs.findById(done)).toEqual(before);
    expect(await services.jobs.findById(cancelled)).toMatchObject({ status: 'CANCELLED', attempts: 0 });
    expect(await rig.registry.getSingleMetricAsString(METRIC.jobs)).toMatch(/outcome="skipped"} 2/);
  });

  it('stops a run whose job is cancelled while it runs: JobCancelledError to the handler, the row stays CANCELLED', async () => {
    const id = await rig.submit(async (context) => {
      await context.progress(0.1);
      return stopped(context);
    }, 3);
    await until(async () => (await services.jobs.findById(id))?.progress === 0.1, 'the job running');

    // What DELETE /v1/jobs/:id does.
    expect(await services.jobs.markCancelled(id)).toBe(true);

    const job = await rig.ended(id);
    expect(stopReasons.get(id)).toBeInstanceOf(JobCancelledError);
    // Not a failure of the job: BullMQ completes it, nothing is retried.
    expect(await job.getState()).toBe('completed');
    expect(rig.calls.get(id)).toBe(1);
    expect(await services.jobs.findById(id)).toMatchObject({
      status: 'CANCELLED',
      result: null,
      outputUri: null,
      errorCode: null,
    });
  });

  it('ends a run whose lease another run took, without writing over that run', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let confirmed: unknown;
    const id = await rig.submit(async (context) => {
      await context.progress(0.2);
      await released;
      // Right before committing its outputs, as the handlers do.
      confirmed = await context.confirmOwnership().catch((error: unknown) => error);
      return scriptedOutcome(context.jobId);
    }, 3);
    await until(async () => (await services.jobs.findById(id))?.progress === 0.2, 'the job running');

    // Its lease ran out (a worker frozen past it) and another worker's run claimed the job. Tried again if
    // this run's heartbeat renewed the lease between the two statements.
    const other = await until(async () => {
      await services.database.db.$executeRaw`
        UPDATE jobs SET lease_until = DATE_SUB(UTC_TIMESTAMP(3), INTERVAL 1 SECOND) WHERE id = ${id}`;
      const claim = await services.jobs.claimRun(id, 60_000);
      return claim.kind === 'claimed' ? claim.run : undefined;
    }, 'another run taking the job over');
    release();

    const job = await rig.ended(id);
    expect(confirmed).toBeInstanceOf(LeaseLostError);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toBeNull();
    // The row is the other run's, untouched: no outcome, no failure, its token.
    expect(await services.jobs.findById(id)).toMatchObject({
      status: 'RUNNING',
      runToken: other.token,
      attempts: 2,
      result: null,
      errorCode: null,
    });
    // And that run still ends the job as usual.
    expect(await services.jobs.markSucceeded(other, { result: { by: 'other run' } })).toBe(true);
  });

  it('lets the watchdog stop a run whose progress stalls: TRANSIENT, retried, then succeeding', async () => {
    const watched = await startRig(600);
    const id = await watched.submit(async (context, attempt) => {
      if (attempt > 1) return scriptedOutcome(context.jobId);
      await context.progress(0.3);
      // A download that hangs without failing: only the signal ends it.
      return stopped(context);
    }, 2);

    const between = await until(async () => {
      if (!watched.failures.has(id)) return undefined;
      return services.jobs.findById(id);
    }, 'the stalled attempt failing');
    expect(stopReasons.get(id)).toBeInstanceOf(JobStalledError);
    expect(between).toMatchObject({ status: 'QUEUED', errorCode: 'TRANSIENT' });
    expect(between?.errorMessage).toMatch(/made no progress for 1 s \(stuck at 30%\)/);

    const job = await watched.ended(id);
    expect(await job.getState()).toBe('completed');
    expect(await services.jobs.findById(id)).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
  });
});
