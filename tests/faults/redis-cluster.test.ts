import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, pollUntil, startApp, waitReady } from '../support/app-process';
import { predictionInput, trainingInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { logLines } from '../support/log-lines';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const LARGE_ROWS = 150_000;
const SMALL_ROWS = 50;
// Over PREDICT_CHUNK_ROWS (set below, above LARGE_ROWS so the large job stays one job): three chunks.
const CHUNKED_ROWS = 330_000;
const CHUNK_ROWS = 160_000;

// The gateway and a worker on a three-master Redis Cluster (REDIS_CLUSTER_NODES) instead of one server:
// BullMQ's scripts touch many keys of a queue at once, which a cluster allows only within one slot, so
// every key the system writes carries the queue prefix's hash tag.
describe('on a Redis Cluster of three masters', () => {
  let cluster: RedisCluster;
  let database: TestDatabase;
  let s3: TestS3;
  let client: JobClient;
  let worker: AppProcess;
  const apps: AppProcess[] = [];
  const dataset = () => `s3://${s3.buckets.dataset}`;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    database = await createTestDatabase('faults_cluster');
    s3 = await createTestS3();
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    await s3.store.upload(`${dataset()}/large.csv`, predictionInput(LARGE_ROWS).csv);
    await s3.store.upload(`${dataset()}/small.csv`, predictionInput(SMALL_ROWS).csv);
    await s3.store.upload(`${dataset()}/chunked.csv`, predictionInput(CHUNKED_ROWS).csv);
    await s3.store.upload(`${dataset()}/train.csv`, trainingInput(2_000));
    const env = {
      DATABASE_URL: database.url,
      // Not used for connecting: pointing at nothing proves every connection goes to the cluster.
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      REDIS_CLUSTER_NODES: cluster.nodes,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('cluster'),
      MODEL_POLL_MS: '200',
      // The periodic pass is a minute away: only the lost marker can bring the flushed jobs back in time.
      RECONCILE_INTERVAL_MS: '60000',
      RECONCILE_MIN_AGE_MS: '0',
      QUEUE_LOSS_CHECK_MS: '500',
      PREDICT_CHUNK_ROWS: String(CHUNK_ROWS),
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    const workerPort = await freePort();
    apps.push(startApp('gateway', { ...env, PORT: String(port) }));
    worker = startApp('worker', { ...env, WORKER_PORT: String(workerPort) });
    apps.push(worker);
    try {
      await waitReady(`http://127.0.0.1:${port}`, `http://127.0.0.1:${workerPort}`);
    } catch (error) {
      throw new Error(`${error}\n${apps.map((app) => app.output()).join('\n')}`);
    }
    client = jobClient(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await cluster?.stop();
    await database?.drop();
  });

  it('runs a predict CSV job to SUCCEEDED', async () => {
    const id = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset()}/small.csv` });
    const job = await client.finished(id);
    expect(job.status, JSON.stringify(job)).toBe('SUCCEEDED');
    const text = (
      await s3.store.downloadBytes(`s3://${s3.buckets.inference}/${id}/predictions.csv`)
    ).toString();
    expect(text.trimEnd().split('\n')).toHaveLength(SMALL_ROWS + 1);
  });

  it('runs a training job to SUCCEEDED', async () => {
    const id = await client.submit('/v1/train/csv', {
      train_file_s3: `${dataset()}/train.csv`,
      epoch_num: 2,
      best_model_metric: 'eval_f1',
    });
    const job = await client.finished(id, 120_000);
    expect(job.status, JSON.stringify(job)).toBe('SUCCEEDED');
  });

  it('answers an online prediction with 200', async () => {
    const answer = await client.post('/v1/predict', { texts: ['sparkling mineral water 1l', 'green tea'] });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.predictions).toHaveLength(2);
  });

  it('enqueues again the QUEUED jobs a FLUSHALL of every master lost: all end SUCCEEDED', async () => {
    const large = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset()}/large.csv` });
    const small: string[] = [];
    for (let i = 0; i < 3; i++) {
      small.push(await client.submit('/v1/predict/csv', { input_file_s3: `${dataset()}/small.csv` }));
    }
    // One inference job at a time: the large one runs, the small ones wait in Redis.
    await client.until(large, (job) => job.status === 'RUNNING' && job.progress > 0);
    expect(await database.db.job.count({ where: { id: { in: small }, status: 'QUEUED' } })).toBe(3);

    const flushedAt = Date.now();
    await cluster.flushAll();

    const ended = await Promise.all([large, ...small].map((id) => client.finished(id, 90_000)));
    for (const job of ended) expect(job.status, JSON.stringify(job)).toBe('SUCCEEDED');
    const reconciled = logLines(worker.output()).filter(
      (line) => line.msg === 'reconciled jobs' && Date.parse(String(line.time)) >= flushedAt,
    );
    expect(reconciled.map((line) => Number(line.enqueued))).toContain(3);
  });

  it('runs a chunked predict job as a flow, rebuilt from MySQL after a FLUSHALL of every master', async () => {
    const id = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset()}/chunked.csv` });
    await pollUntil(
      () => database.db.predictChunk.count({ where: { jobId: id, NOT: { doneAt: null } } }),
      (done) => done >= 1,
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    const flushedAt = Date.now();
    await cluster.flushAll();

    const job = await client.finished(id, 120_000);
    expect(job.status, JSON.stringify(job)).toBe('SUCCEEDED');
    expect(job.result?.details).toMatchObject({ rows: CHUNKED_ROWS });
    const text = (await s3.store.downloadBytes(String(job.result?.output_uri))).toString();
    expect(text.trimEnd().split('\n')).toHaveLength(CHUNKED_ROWS + 1);
    const lines = logLines(worker.output());
    // The lost parent was enqueued again, and resumed its plan: no chunk was done twice.
    const reconciled = lines.filter(
      (line) => line.msg === 'reconciled jobs' && Date.parse(String(line.time)) >= flushedAt,
    );
    expect(reconciled.some((line) => Number(line.enqueued) >= 1)).toBe(true);
    const done = lines
      .filter((line) => line.jobId === id && line.msg === 'chunk predicted' && line.state === 'done')
      .map((line) => line.chunk);
    expect(done.sort()).toEqual([0, 1, 2]);
  });
});
