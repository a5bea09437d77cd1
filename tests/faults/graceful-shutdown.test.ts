import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, pollUntil, startReady } from '../support/app-process';
import { predictionInput, trainingInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { countByJob, logsOf } from '../support/log-lines';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const LARGE_ROWS = 150_000;

// SIGTERM (a deploy, a scale-down): the worker finishes what it runs, within SHUTDOWN_GRACE_MS, and takes
// nothing new; what it cannot finish in time is left to BullMQ's stalled-job check, so another worker runs it.
describe('worker shutdown on SIGTERM', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let client: JobClient;
  let env: Record<string, string>;
  const apps: AppProcess[] = [];

  const startWorker = async (extra: Record<string, string>) => {
    return (await startReady('worker', { ...env, ...extra }, apps)).app;
  };

  beforeAll(async () => {
    database = await createTestDatabase('faults_shutdown');
    s3 = await createTestS3();
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    await s3.store.upload(`s3://${s3.buckets.dataset}/large.csv`, predictionInput(LARGE_ROWS).csv);
    await s3.store.upload(`s3://${s3.buckets.dataset}/small.csv`, predictionInput(20).csv);
    await s3.store.upload(`s3://${s3.buckets.dataset}/train.csv`, trainingInput(20_000));
    env = {
      DATABASE_URL: database.url,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('shutdown'),
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '500',
      LOG_LEVEL: 'info',
    };
    client = jobClient((await startReady('gateway', env, apps)).url);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await database?.drop();
  });

  it('finishes the running job, takes no new one, and exits 0', async () => {
    const worker = await startWorker({ WORKER_QUEUES: 'inference', SHUTDOWN_GRACE_MS: '30000' });
    const dataset = `s3://${s3.buckets.dataset}`;
    const running = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/large.csv` });
    const waiting = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/small.csv` });
    await client.until(running, (job) => job.status === 'RUNNING' && job.progress > 0);

    expect(await worker.stop('SIGTERM')).toBe(0);

    const finished = await client.job(running);
    expect(finished.status, JSON.stringify(finished.error)).toBe('SUCCEEDED');
    expect(finished.result?.details).toMatchObject({ rows: LARGE_ROWS });
    expect((await logsOf(() => [worker.output()], 'job succeeded', [running])).get(running)).toBe(1);
    // The waiting job was never started by the worker that was going away.
    expect(await client.job(waiting)).toMatchObject({ status: 'QUEUED', attempts: 0 });
    expect(countByJob([worker.output()], 'job started').get(waiting)).toBeUndefined();

    const next = await startWorker({ WORKER_QUEUES: 'inference' });
    expect((await client.finished(waiting)).status).toBe('SUCCEEDED');
    expect((await logsOf(() => [next.output()], 'job succeeded', [waiting])).get(waiting)).toBe(1);
  });

  it('does not wait past the grace time; the unfinished job is taken over by another worker', async () => {
    const graceMs = 500;
    const worker = await startWorker({ WORKER_QUEUES: 'training', SHUTDOWN_GRACE_MS: String(graceMs) });
    // 200 epochs: far longer than the grace time on any machine.
    const id = await client.submit('/v1/train/csv', {
      train_file_s3: `s3://${s3.buckets.dataset}/train.csv`,
      epoch_num: 200,
      best_model_metric: 'eval_f1',
    });
    const before = await client.until(id, (job) => job.status === 'RUNNING' && job.progress > 0.05);
    const signalled = Date.now();
    // Exit status 1: the grace time ran out with the job still running (lifecycle adds 5 s for clean-up).
    expect(await worker.stop('SIGTERM')).toBe(1);
    expect(Date.now() - signalled).toBeLessThan(graceMs + 5_000 + 3_000);
    expect(worker.output()).toContain('grace time over');
    expect((await client.job(id)).status).toBe('RUNNING');

    // Another worker takes the job over from the start (its second start; started_at keeps the first),
    // then it is cancelled.
    const next = await startWorker({ WORKER_QUEUES: 'training' });
    await pollUntil(
      () => database.db.job.findUnique({ where: { id } }),
      (row) => row?.attempts === 2 && row.status === 'RUNNING',
    );
    expect((await logsOf(() => [next.output()], 'job started', [id])).get(id)).toBe(1);
    expect(before.progress).toBeLessThan(1);
    expect((await client.post(`/v1/jobs/${id}/cancel`, {})).status).toBe(200);
    expect((await client.finished(id)).status).toBe('CANCELLED');
  });
});
