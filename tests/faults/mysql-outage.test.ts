import { createPrismaClient, type Db, migrate } from '@shelfwise/db';
import { createTestS3, MIGRATIONS_DIR, type TestS3, uniquePrefix } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, getJson, pollUntil, startApp } from '../support/app-process';
import { predictionInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { type MariaDbServer, startMariaDb } from '../support/mariadb-server';
import { seedServingModel } from '../support/seed-model';

const LARGE_ROWS = 150_000;

// MySQL stops (crash, failover) while a job runs and another waits: the gateway answers 503 with
// Retry-After instead of hanging or 500, the worker pauses instead of failing jobs, and once MySQL is
// back both jobs end and new work is taken. A MariaDB server of the test's own is killed, not the shared one.
describe('MySQL stopped and started again', () => {
  let mariadb: MariaDbServer;
  let db: Db;
  let s3: TestS3;
  let client: JobClient;
  let gatewayUrl: string;
  let worker: AppProcess;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    mariadb = await startMariaDb();
    const databaseUrl = mariadb.url('shelfwise');
    await migrate(databaseUrl, MIGRATIONS_DIR);
    db = createPrismaClient(databaseUrl);
    s3 = await createTestS3();
    await seedServingModel(db, s3.store, s3.buckets.models);
    await s3.store.upload(`s3://${s3.buckets.dataset}/large.csv`, predictionInput(LARGE_ROWS).csv);
    await s3.store.upload(`s3://${s3.buckets.dataset}/small.csv`, predictionInput(20).csv);
    const env = {
      DATABASE_URL: databaseUrl,
      S3_ENDPOINT: s3.settings.endpoint,
      S3_BUCKET_DATASET: s3.buckets.dataset,
      S3_BUCKET_INFERENCE: s3.buckets.inference,
      S3_BUCKET_MODELS: s3.buckets.models,
      QUEUE_PREFIX: uniquePrefix('mysql-outage'),
      DATABASE_RETRY_MS: '300',
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    const workerPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    apps.push(startApp('gateway', { ...env, PORT: String(port) }));
    worker = startApp('worker', { ...env, WORKER_PORT: String(workerPort) });
    apps.push(worker);
    for (const url of [gatewayUrl, `http://127.0.0.1:${workerPort}`]) {
      await pollUntil(
        () => getJson(`${url}/readyz`),
        (r) => r.status === 200,
      );
    }
    client = jobClient(gatewayUrl);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await db?.$disconnect();
    await mariadb?.remove();
  });

  it('answers 503 with Retry-After, pauses the worker, and loses no job', async () => {
    const dataset = `s3://${s3.buckets.dataset}`;
    const running = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/large.csv` });
    const waiting = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/small.csv` });
    await client.until(running, (job) => job.status === 'RUNNING' && job.progress > 0);

    await mariadb.kill();

    // Submits and reads: 503 UNAVAILABLE with Retry-After and a body that says what is wrong.
    const answers = [
      await client.post('/v1/predict/csv', { input_file_s3: `${dataset}/small.csv` }),
      await client.get(`/v1/jobs/${running}`),
      await client.get('/v1/jobs'),
    ];
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('5');
      expect(answer.body).toEqual({
        error: { code: 'UNAVAILABLE', message: 'the database is unreachable; retry later' },
      });
    }
    const ready = await getJson(`${gatewayUrl}/readyz`);
    expect(ready).toMatchObject({ status: 503, body: { checks: { mysql: { ok: false } } } });
    await pollUntil(
      async () => worker.output(),
      (output) => output.includes('MySQL is unreachable: consumers paused until it answers'),
    );

    await mariadb.start();

    const [first, second] = await Promise.all([client.finished(running), client.finished(waiting)]);
    expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
    expect(second.status, JSON.stringify(second.error)).toBe('SUCCEEDED');
    // The outage did not use up an attempt: the job that met it ran again as its first attempt.
    expect(first.attempts).toBe(1);
    expect(first.result?.details).toMatchObject({ rows: LARGE_ROWS });
    const lines = (await s3.store.downloadBytes(first.result?.output_uri ?? '')).toString().trimEnd();
    expect(lines.split('\n')).toHaveLength(LARGE_ROWS + 1);
    expect(worker.output()).toContain('MySQL answers again: consumers resumed');
    expect(worker.child.exitCode).toBeNull();

    // New work is taken again, and nothing was recorded twice.
    const after = await client.finished(
      await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/small.csv` }),
    );
    expect(after.status).toBe('SUCCEEDED');
    expect(await db.job.count()).toBe(3);
  });
});
