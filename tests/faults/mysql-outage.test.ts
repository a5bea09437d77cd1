import { createPrismaClient, type Db, migrate } from '@shelfwise/db';
import { createTestS3, MIGRATIONS_DIR, type TestS3, uniquePrefix } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, getJson, pollUntil, startApp, waitReady } from '../support/app-process';
import { predictionInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { type MariaDbServer, startMariaDb } from '../support/mariadb-server';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const LARGE_ROWS = 150_000;
const STALL_MS = 3_000;

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
  let workerUrl: string;
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
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('mysql-outage'),
      DATABASE_RETRY_MS: '300',
      // One attempt: a job that met the outage must still succeed, so the outage used up no attempt.
      JOB_ATTEMPTS: '1',
      JOB_STALL_TIMEOUT_MS: String(STALL_MS),
      WORKER_QUEUES: 'inference',
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    const workerPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    apps.push(startApp('gateway', { ...env, PORT: String(port) }));
    worker = startApp('worker', { ...env, WORKER_PORT: String(workerPort) });
    apps.push(worker);
    workerUrl = `http://127.0.0.1:${workerPort}`;
    await waitReady(gatewayUrl, workerUrl);
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
    // The outage used up no attempt (JOB_ATTEMPTS is 1): the job that met it started again and succeeded.
    // `attempts` counts real starts: the one the outage interrupted, and the one that finished.
    expect(first.attempts).toBe(2);
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

  it('reports not-live while a frozen MySQL holds every inference slot, and recovers when it answers', async () => {
    const dataset = `s3://${s3.buckets.dataset}`;
    const id = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/large.csv` });
    await client.until(id, (job) => job.status === 'RUNNING' && job.progress > 0);
    expect((await getJson(`${workerUrl}/healthz`)).status).toBe(200);

    // Frozen, not dead: queries wait for ever instead of failing, so no outage is seen. Progress stops, the
    // watchdog stops the run, and the run cannot even record that: its only slot is stuck.
    mariadb.freeze();
    try {
      const stuck = await pollUntil(
        () => getJson(`${workerUrl}/healthz`),
        (r) => r.status === 503,
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      expect(stuck.body).toEqual({ status: 'stuck', stuck_slots: { inference: 1 } });
    } finally {
      mariadb.thaw();
    }

    await pollUntil(
      () => getJson(`${workerUrl}/healthz`),
      (r) => r.status === 200,
    );
    // With JOB_ATTEMPTS at 1 the stopped run was the job's last: it fails as transient, saying why, and
    // the worker takes new work.
    const job = await client.finished(id, 60_000);
    expect(job.status).toBe('FAILED');
    expect(job.error).toMatchObject({
      code: 'TRANSIENT',
      message: expect.stringMatching(/made no progress for 3 s/),
    });
    const after = await client.finished(
      await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/small.csv` }),
    );
    expect(after.status).toBe('SUCCEEDED');
  });
});
