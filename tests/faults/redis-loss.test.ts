import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, startApp, waitReady } from '../support/app-process';
import { predictionInput, trainingInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { logLines, logsOf } from '../support/log-lines';
import { type RedisServer, startRedisServer } from '../support/redis-server';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const LARGE_ROWS = 150_000;
const SMALL_ROWS = 50;

// Redis keeps nothing on disk: a restart empties every queue. MySQL still knows each unfinished job, and the
// worker's reconciler enqueues them again (same ids) when its connection is ready again.
describe('Redis restarted with its data gone', () => {
  let redis: RedisServer;
  let database: TestDatabase;
  let s3: TestS3;
  let client: JobClient;
  let worker: AppProcess;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    database = await createTestDatabase('faults_redis');
    s3 = await createTestS3();
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    await s3.store.upload(`s3://${s3.buckets.dataset}/large.csv`, predictionInput(LARGE_ROWS).csv);
    await s3.store.upload(`s3://${s3.buckets.dataset}/small.csv`, predictionInput(SMALL_ROWS).csv);
    await s3.store.upload(`s3://${s3.buckets.dataset}/train.csv`, trainingInput(5_000));
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('redis-loss'),
      // Only the reconnection can trigger the pass within the test: the periodic one is a minute away.
      RECONCILE_INTERVAL_MS: '60000',
      RECONCILE_MIN_AGE_MS: '0',
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    const workerPort = await freePort();
    apps.push(startApp('gateway', { ...env, PORT: String(port) }));
    worker = startApp('worker', { ...env, WORKER_PORT: String(workerPort) });
    apps.push(worker);
    await waitReady(`http://127.0.0.1:${port}`, `http://127.0.0.1:${workerPort}`);
    client = jobClient(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await redis?.kill();
    await database?.drop();
  });

  it('enqueues every unfinished job again; all end, none runs twice', async () => {
    const dataset = `s3://${s3.buckets.dataset}`;
    const large = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/large.csv` });
    const small: string[] = [];
    for (let i = 0; i < 5; i++) {
      small.push(await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/small.csv` }));
    }
    const train = await client.submit('/v1/train/csv', {
      train_file_s3: `${dataset}/train.csv`,
      epoch_num: 3,
      best_model_metric: 'eval_f1',
    });
    // The large job runs (one inference job at a time), the small ones wait behind it in Redis.
    await client.until(large, (job) => job.status === 'RUNNING' && job.progress > 0);
    const unfinished = await database.db.job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } });
    expect(unfinished).toBeGreaterThanOrEqual(6);

    await redis.kill();
    await redis.start();

    const all = [large, ...small, train];
    const ended = await Promise.all(all.map((id) => client.finished(id, 60_000)));
    for (const job of ended) expect(job.status, JSON.stringify(job)).toBe('SUCCEEDED');
    const reconciled = logLines(worker.output()).filter((line) => line.msg === 'reconciled jobs');
    expect(reconciled.some((line) => Number(line.enqueued) > 0)).toBe(true);

    // None twice: one success per job in the worker's log, one predictions object each, no extra rows.
    const succeeded = await logsOf(() => [worker.output()], 'job succeeded', all);
    for (const id of all) expect(succeeded.get(id), id).toBe(1);
    expect(await database.db.job.count()).toBe(all.length);
    for (const [id, rows] of [[large, LARGE_ROWS], ...small.map((s) => [s, SMALL_ROWS] as const)] as const) {
      const objects = await s3.store.list(`s3://${s3.buckets.inference}/${id}/`);
      expect(objects.map((o) => o.key)).toEqual([`${id}/predictions.csv`]);
      const text = (
        await s3.store.downloadBytes(`s3://${s3.buckets.inference}/${id}/predictions.csv`)
      ).toString();
      expect(text.trimEnd().split('\n')).toHaveLength(rows + 1);
    }
    expect(await database.db.modelVersion.count({ where: { trainingJobId: train } })).toBe(1);

    // And the system takes new work on the fresh Redis.
    const after = await client.finished(
      await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/small.csv` }),
    );
    expect(after.status).toBe('SUCCEEDED');
  });
});
