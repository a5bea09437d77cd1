import { createObjectStore } from '@shelfwise/storage';
import { createTestDatabase, type TestDatabase, uniquePrefix } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, getJson, pollUntil, startApp, startReady } from '../support/app-process';
import { predictionInput, trainingInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { type S3Server, startS3Server } from '../support/s3-server';
import { seedServingModel } from '../support/seed-model';

const BACKOFF_MS = 500;
// Far longer than the three attempts with backoff (0.5 s, then 1 s) that used to fail the jobs.
const OUTAGE_MS = 8_000;
const buckets = { dataset: 'dataset', inference: 'inference', models: 'models' };

// An S3 server of the test's own, killed while jobs wait: the worker meets the outage, pauses its consumers
// as for a MySQL outage (the attempt not counted), and once S3 is back both jobs run and succeed. The gateway
// answers 503 meanwhile.
describe('S3 unavailable', () => {
  let s3: S3Server;
  let database: TestDatabase;
  let client: JobClient;
  let gatewayUrl: string;
  let env: Record<string, string>;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    s3 = await startS3Server();
    const settings = {
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    };
    const store = createObjectStore(settings, Object.values(buckets));
    await store.ensureBuckets();
    database = await createTestDatabase('faults_s3');
    await seedServingModel(database.db, store, buckets.models);
    await store.upload('s3://dataset/small.csv', predictionInput(20).csv);
    await store.upload('s3://dataset/train.csv', trainingInput(1_000));
    env = {
      DATABASE_URL: database.url,
      S3_ENDPOINT: s3.endpoint,
      QUEUE_PREFIX: uniquePrefix('s3-outage'),
      JOB_ATTEMPTS: '3',
      JOB_BACKOFF_MS: String(BACKOFF_MS),
      S3_RETRY_MS: '300',
      LOG_LEVEL: 'info',
    };
    gatewayUrl = (await startReady('gateway', env, apps)).url;
    client = jobClient(gatewayUrl);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await s3?.remove();
    await database?.drop();
  });

  it('pauses the worker through the outage instead of failing jobs; both succeed once S3 is back', async () => {
    // Accepted while S3 answers; run (by a worker started later) while it does not.
    const predict = await client.submit('/v1/predict/csv', { input_file_s3: 's3://dataset/small.csv' });
    const train = await client.submit('/v1/train/csv', {
      train_file_s3: 's3://dataset/train.csv',
      epoch_num: 2,
      best_model_metric: 'eval_f1',
    });
    await s3.kill();
    const down = Date.now();

    // The gateway checks inputs in S3: it answers 503, not 500, and says so on /readyz.
    const refused = await client.post('/v1/predict/csv', { input_file_s3: 's3://dataset/small.csv' });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body).toMatchObject({
      error: { code: 'UNAVAILABLE', message: expect.stringMatching(/object storage/) },
    });
    expect(await getJson(`${gatewayUrl}/readyz`)).toMatchObject({
      status: 503,
      body: { checks: { s3: { ok: false } } },
    });

    const port = await freePort();
    const worker = startApp('worker', { ...env, WORKER_PORT: String(port) });
    apps.push(worker);
    await pollUntil(
      async () => worker.output(),
      (output) => output.includes('S3 is unreachable: consumers paused until it answers'),
    );
    // While S3 is down the jobs wait, saying why; none fails.
    await pollUntil(
      () => client.job(predict),
      (job) => job.status === 'QUEUED' && job.error?.code === 'UNAVAILABLE',
    );
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, down + OUTAGE_MS - Date.now())));
    for (const id of [predict, train]) expect((await client.job(id)).status).toBe('QUEUED');

    await s3.start();

    for (const id of [predict, train]) {
      const job = await client.finished(id, 60_000);
      expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    }
    expect(worker.output()).toContain('S3 answers again: consumers resumed');
    // The trained version is READY; no version was left PENDING by the outage.
    expect(await database.db.modelVersion.groupBy({ by: ['status'], _count: true })).toEqual([
      { status: 'READY', _count: 2 },
    ]);
    const after = await client.finished(
      await client.submit('/v1/predict/csv', { input_file_s3: 's3://dataset/small.csv' }),
    );
    expect(after.status, JSON.stringify(after.error)).toBe('SUCCEEDED');
    expect(worker.child.exitCode).toBeNull();
  });
});
