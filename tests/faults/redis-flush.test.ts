import { createRedis } from '@shelfwise/infrastructure';
import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, startApp, waitReady } from '../support/app-process';
import { predictionInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { countByJob, logLines, logsOf } from '../support/log-lines';
import { type RedisServer, startRedisServer } from '../support/redis-server';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const LARGE_ROWS = 150_000;
const SMALL_ROWS = 50;

// FLUSHALL (an operator's mistake, a failover to an empty replica) while two workers each run a job and four
// jobs wait: the connection stays up, so no reconnect says Redis lost its data; the workers' marker key does.
// The waiting jobs are enqueued again at once; the running ones are not, since their runs still hold their
// leases in MySQL: every job runs once and ends SUCCEEDED once.
describe('Redis flushed while jobs run and wait', () => {
  let redis: RedisServer;
  let database: TestDatabase;
  let s3: TestS3;
  let client: JobClient;
  const workers: AppProcess[] = [];
  const apps: AppProcess[] = [];
  const outputs = () => workers.map((worker) => worker.output());

  beforeAll(async () => {
    redis = await startRedisServer();
    database = await createTestDatabase('faults_flush');
    s3 = await createTestS3();
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    await s3.store.upload(`s3://${s3.buckets.dataset}/large.csv`, predictionInput(LARGE_ROWS).csv);
    await s3.store.upload(`s3://${s3.buckets.dataset}/small.csv`, predictionInput(SMALL_ROWS).csv);
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('flush'),
      WORKER_QUEUES: 'inference',
      WORKER_LOCK_MS: '3000',
      // The periodic pass is a minute away: only noticing the flush can bring the waiting jobs back in time.
      RECONCILE_INTERVAL_MS: '60000',
      RECONCILE_MIN_AGE_MS: '0',
      QUEUE_LOSS_CHECK_MS: '500',
      LOG_LEVEL: 'info',
    };
    const port = await freePort();
    apps.push(startApp('gateway', { ...env, PORT: String(port) }));
    const urls = [`http://127.0.0.1:${port}`];
    for (let i = 0; i < 2; i++) {
      const workerPort = await freePort();
      const worker = startApp('worker', { ...env, WORKER_PORT: String(workerPort) });
      workers.push(worker);
      apps.push(worker);
      urls.push(`http://127.0.0.1:${workerPort}`);
    }
    await waitReady(...urls);
    client = jobClient(`http://127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await redis?.kill();
    await database?.drop();
  });

  it('enqueues the waiting jobs again at once, and runs every job once: all SUCCEEDED', async () => {
    const dataset = `s3://${s3.buckets.dataset}`;
    const large = [
      await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/large.csv` }),
      await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/large.csv` }),
    ];
    const small: string[] = [];
    for (let i = 0; i < 4; i++) {
      small.push(await client.submit('/v1/predict/csv', { input_file_s3: `${dataset}/small.csv` }));
    }
    // Both workers busy (one inference slot each), the small jobs waiting behind them.
    for (const id of large) await client.until(id, (job) => job.status === 'RUNNING' && job.progress > 0);
    expect(await database.db.job.count({ where: { status: 'QUEUED' } })).toBe(4);

    const admin = createRedis(redis.url, 'worker');
    const flushedAt = Date.now();
    try {
      await admin.flushall();
    } finally {
      admin.disconnect();
    }

    const all = [...large, ...small];
    const ended = await Promise.all(all.map((id) => client.finished(id, 60_000)));
    for (const job of ended) expect(job.status, JSON.stringify(job)).toBe('SUCCEEDED');
    // Seen within a second or two, not after RECONCILE_INTERVAL_MS: the four waiting jobs, not the running two.
    const reconciled = outputs()
      .flatMap(logLines)
      .filter((line) => line.msg === 'reconciled jobs' && Date.parse(String(line.time)) >= flushedAt);
    expect(reconciled.map((line) => line.enqueued)).toContain(4);
    const firstPass = Math.min(...reconciled.map((line) => Date.parse(String(line.time))));
    expect(firstPass - flushedAt).toBeLessThan(10_000);

    // Once each: one start, one set of predictions written, one success, across both workers; attempt 1.
    const succeeded = await logsOf(outputs, 'job succeeded', all);
    const started = countByJob(outputs(), 'job started');
    const written = countByJob(outputs(), 'predictions written');
    for (const id of all) {
      expect([started.get(id), written.get(id), succeeded.get(id)], id).toEqual([1, 1, 1]);
    }
    for (const job of ended) expect(job.attempts).toBe(1);
    expect(await database.db.job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } })).toBe(0);
    for (const [id, rows] of [...large.map((l) => [l, LARGE_ROWS]), ...small.map((s) => [s, SMALL_ROWS])]) {
      const text = (
        await s3.store.downloadBytes(`s3://${s3.buckets.inference}/${id}/predictions.csv`)
      ).toString();
      expect(text.trimEnd().split('\n')).toHaveLength(Number(rows) + 1);
    }
  });
});
