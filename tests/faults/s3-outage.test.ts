import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedS3, startEmbeddedS3 } from '@shelfwise/embedded-s3';
import { createS3Client, ObjectStore } from '@shelfwise/storage';
import { createTestDatabase, type TestDatabase, uniquePrefix } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, getJson, pollUntil, startApp } from '../support/app-process';
import { predictionInput, trainingInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { logLines } from '../support/log-lines';
import { seedServingModel } from '../support/seed-model';

const BACKOFF_MS = 500;
const buckets = { dataset: 'dataset', inference: 'inference', models: 'models' };

// An S3 server of the test's own, closed while jobs wait: each attempt fails, BullMQ retries with
// exponential backoff, and the job ends FAILED saying that object storage was unreachable.
describe('S3 unavailable', () => {
  let s3: EmbeddedS3;
  let s3Port: number;
  let dataDir: string;
  let database: TestDatabase;
  let client: JobClient;
  let gatewayUrl: string;
  let env: Record<string, string>;
  const apps: AppProcess[] = [];

  const startWorker = async () => {
    const port = await freePort();
    const worker = startApp('worker', { ...env, WORKER_PORT: String(port) });
    apps.push(worker);
    await pollUntil(
      () => getJson(`http://127.0.0.1:${port}/healthz`),
      (r) => r.status === 200,
    );
    return worker;
  };

  beforeAll(async () => {
    s3Port = await freePort();
    dataDir = await mkdtemp(join(tmpdir(), 'shelfwise-s3-outage-'));
    s3 = await startEmbeddedS3({ port: s3Port, dataDir });
    const settings = {
      endpoint: s3.endpoint,
      region: 'us-east-1',
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
    };
    const store = new ObjectStore(createS3Client(settings), Object.values(buckets));
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
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    apps.push(startApp('gateway', { ...env, PORT: String(port) }));
    await pollUntil(
      () => getJson(`${gatewayUrl}/readyz`),
      (r) => r.status === 200,
    );
    client = jobClient(gatewayUrl);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await s3?.close().catch(() => {});
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('retries each job with backoff, then fails it naming object storage; recovers when S3 is back', async () => {
    // Accepted while S3 answers; run (by a worker started later) while it does not.
    const predict = await client.submit('/v1/predict/csv', { input_file_s3: 's3://dataset/small.csv' });
    const train = await client.submit('/v1/train/csv', {
      train_file_s3: 's3://dataset/train.csv',
      epoch_num: 2,
      best_model_metric: 'eval_f1',
    });
    await s3.close();

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

    const worker = await startWorker();
    for (const id of [predict, train]) {
      const job = await client.finished(id, 30_000);
      expect(job.status).toBe('FAILED');
      expect(job.attempts).toBe(3);
      expect(job.error?.code).toBe('UNAVAILABLE');
      expect(job.error?.message).toMatch(
        new RegExp(`^object storage \\(S3\\) is unreachable: .*127\\.0\\.0\\.1:${s3Port}`),
      );
      // Three attempts, the gaps growing: 500 ms, then 1 s (exponential).
      const starts = logLines(worker.output())
        .filter((line) => line.jobId === id && line.msg === 'job started')
        .map((line) => Date.parse(String(line.time)));
      expect(starts).toHaveLength(3);
      expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(BACKOFF_MS);
      expect((starts[2] ?? 0) - (starts[1] ?? 0)).toBeGreaterThanOrEqual(2 * BACKOFF_MS);
    }
    expect(await database.db.modelVersion.count()).toBe(1);

    // S3 back (same port, same data): the same worker serves new work.
    s3 = await startEmbeddedS3({ port: s3Port, dataDir });
    await pollUntil(
      () => getJson(`${gatewayUrl}/readyz`),
      (r) => r.status === 200,
    );
    const after = await client.finished(
      await client.submit('/v1/predict/csv', { input_file_s3: 's3://dataset/small.csv' }),
    );
    expect(after.status, JSON.stringify(after.error)).toBe('SUCCEEDED');
    expect(worker.child.exitCode).toBeNull();
  });
});
