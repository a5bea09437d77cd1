import { hostname } from 'node:os';
import { createObjectStore, type ObjectStore } from '@shelfwise/storage';
import { createTestDatabase, incompleteUploads, type TestDatabase, uniquePrefix } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, getJson, pollUntil, startApp, waitReady } from '../support/app-process';
import { predictionInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { logLines } from '../support/log-lines';
import { type S3Server, startS3Server } from '../support/s3-server';
import { seedServingModel } from '../support/seed-model';

const LARGE_ROWS = 200_000;
const STALL_MS = 3_000;
const buckets = { dataset: 'dataset', inference: 'inference', models: 'models' };

// A download from S3 that breaks (the S3 process killed mid-transfer), freezes (the object replaced while it
// is read), or is no longer wanted (the job cancelled): the job never hangs, its connection is closed, its
// multipart uploads are aborted, and the worker goes on taking jobs. The S3 server is a process of the
// test's own, so it can be killed.
describe('a broken, frozen or abandoned S3 download', () => {
  let s3: S3Server;
  let store: ObjectStore;
  let database: TestDatabase;
  let client: JobClient;
  let worker: AppProcess;
  let workerUrl: string;
  const apps: AppProcess[] = [];

  /** Multipart uploads of a job's outputs begun and neither completed nor aborted. */
  const uploadsLeft = (id: string) => incompleteUploads(settings(), buckets.inference, `${id}/`);
  const settings = () => ({
    endpoint: s3.endpoint,
    region: 'us-east-1',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
  });
  const startedLines = (id: string) =>
    logLines(worker.output()).filter((line) => line.jobId === id && line.msg === 'job started');
  const submitPredict = (key: string) =>
    client.submit('/v1/predict/csv', { input_file_s3: `s3://dataset/${key}` });
  const midDownload = (id: string) => client.until(id, (job) => job.status === 'RUNNING' && job.progress > 0);

  beforeAll(async () => {
    s3 = await startS3Server();
    store = createObjectStore(settings(), Object.values(buckets));
    await store.ensureBuckets();
    database = await createTestDatabase('faults_s3_stream');
    await seedServingModel(database.db, store, buckets.models);
    const large = predictionInput(LARGE_ROWS).csv;
    for (const key of ['large.csv', 'cancelled.csv', 'replaced.csv'])
      await store.upload(`s3://dataset/${key}`, large);
    await store.upload('s3://dataset/small.csv', predictionInput(20).csv);
    const env = {
      DATABASE_URL: database.url,
      S3_ENDPOINT: s3.endpoint,
      QUEUE_PREFIX: uniquePrefix('s3-stream'),
      WORKER_QUEUES: 'inference',
      WORKER_LOCK_MS: '2000',
      JOB_BACKOFF_MS: '500',
      S3_RETRY_MS: '300',
      JOB_STALL_TIMEOUT_MS: String(STALL_MS),
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    const workerPort = await freePort();
    workerUrl = `http://127.0.0.1:${workerPort}`;
    apps.push(startApp('gateway', { ...env, PORT: String(port) }));
    worker = startApp('worker', { ...env, WORKER_PORT: String(workerPort) });
    apps.push(worker);
    await waitReady(`http://127.0.0.1:${port}`, workerUrl);
    client = jobClient(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await s3?.remove();
    await database?.drop();
  });

  it('fails the attempt whose S3 server died mid-download, and succeeds on a retry once it is back', async () => {
    const id = await submitPredict('large.csv');
    await midDownload(id);

    await s3.kill();
    await s3.start();

    const job = await client.finished(id, 60_000);
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    expect(job.attempts).toBeGreaterThanOrEqual(2);
    const lines = (await store.downloadBytes(job.result?.output_uri ?? '')).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(LARGE_ROWS + 1);
    // Every start is counted and logged as such, by the process that made it.
    const started = startedLines(id);
    expect(started.map((line) => line.attempt)).toEqual(
      Array.from({ length: job.attempts }, (_, i) => i + 1),
    );
    for (const line of started) expect(line).toMatchObject({ pid: worker.child.pid, hostname: hostname() });
    // started_at keeps the first start (logged just after it was recorded), not the retry's.
    const startedAt = (await database.db.job.findUnique({ where: { id } }))?.startedAt?.getTime() ?? 0;
    expect(startedAt).toBeLessThanOrEqual(Date.parse(String(started[0]?.time)));
    expect(startedAt).toBeLessThan(Date.parse(String(started[1]?.time)));

    // The worker is live and takes new work.
    expect((await getJson(`${workerUrl}/healthz`)).status).toBe(200);
    expect((await client.finished(await submitPredict('small.csv'))).status).toBe('SUCCEEDED');
  });

  it('closes the download of a cancelled job and aborts its uploads; a job pinned to a replaced object fails', async () => {
    const running = await submitPredict('cancelled.csv');
    // Waits behind the running job (one inference slot) while its input is replaced.
    await store.upload('s3://dataset/pinned.csv', predictionInput(20).csv);
    const pinned = await submitPredict('pinned.csv');
    await midDownload(running);
    await store.upload('s3://dataset/pinned.csv', predictionInput(30).csv);

    expect((await client.post(`/v1/jobs/${running}/cancel`, {})).status).toBe(200);

    // At the S3 server: every connection is closed once idle ones time out (5 s); a download left paused
    // (the stream not destroyed) would stay established for as long as the worker lives.
    await pollUntil(
      () => s3.connections(),
      (open) => open === 0,
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    await pollUntil(
      () => uploadsLeft(running),
      (uploads) => uploads.length === 0,
      { timeoutMs: 10_000 },
    );
    expect(await store.exists(`s3://inference/${running}/predictions.csv`)).toBe(false);

    const changed = await client.finished(pinned);
    expect(changed.status).toBe('FAILED');
    expect(changed.error?.code).toBe('INPUT_CHANGED');
    expect(changed.error?.message).toMatch(
      /^s3:\/\/dataset\/pinned\.csv changed after the job was submitted/,
    );
    expect(changed.attempts).toBe(1);
  });

  it('neither freezes nor reads a cut-short file when the input is replaced mid-download: it fails as changed', async () => {
    const id = await submitPredict('replaced.csv');
    await midDownload(id);
    // Smaller than what was read so far: the server's read of the old file ends early and the response stops
    // short of its Content-Length. The download then waits for bytes that never come (the watchdog stops
    // it), or ends early (an error with pipeline semantics; .pipe() took it for the end of the file). The
    // retry reads the version pinned at submission, which is gone.
    await store.upload('s3://dataset/replaced.csv', predictionInput(5).csv);

    const job = await client.finished(id, 60_000);
    expect(job.status).toBe('FAILED');
    expect(job.error?.code).toBe('INPUT_CHANGED');
    expect(job.attempts).toBe(2);
    await pollUntil(
      () => uploadsLeft(id),
      (uploads) => uploads.length === 0,
      { timeoutMs: 10_000 },
    );
    expect((await getJson(`${workerUrl}/healthz`)).status).toBe(200);
    expect((await client.finished(await submitPredict('small.csv'))).status).toBe('SUCCEEDED');
  });
});
