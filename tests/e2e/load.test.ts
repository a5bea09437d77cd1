import { createRedis } from '@shelfwise/infrastructure';
import { JobProducer } from '@shelfwise/queue';
import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountJobs } from '../../scripts/bench/job-accounting';
import { submitUnderLoad } from '../../scripts/bench/submission-load';
import {
  type AppProcess,
  freePort,
  pollUntil,
  startApp,
  startReady,
  TEST_ADMIN_KEY,
} from '../support/app-process';
import { predictionInput } from '../support/generated-csv';
import { countByJob } from '../support/log-lines';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const SUBMISSIONS = 500;
const CLIENTS = 20;

type Redis = ReturnType<typeof createRedis>;

// The load script's run at CI size: concurrent submissions through the real gateway, then a real worker
// drains them. Nothing is timed here; what is checked is that no job is lost or made twice.
describe('submissions under load', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let env: Record<string, string>;
  let connection: Redis;
  let producer: JobProducer;
  let gateway: string;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('e2e_load');
    s3 = await createTestS3();
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    await s3.store.upload(`s3://${s3.buckets.dataset}/tiny.csv`, predictionInput(3).csv);
    env = {
      DATABASE_URL: database.url,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('load'),
      LOG_LEVEL: 'info',
      // The load is one key's: the per-key limit must not be what this test measures.
      RATE_LIMIT_PER_MINUTE: '100000000',
    };
    connection = createRedis('redis://127.0.0.1:6379', 'worker');
    producer = new JobProducer({ connection, prefix: env.QUEUE_PREFIX as string, attempts: 3, backoffMs: 0 });
    gateway = (await startReady('gateway', { ...env, LOG_LEVEL: 'warn' }, apps)).url;
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await producer?.queue('inference').obliterate({ force: true });
    await producer?.close();
    connection?.disconnect();
    await database?.drop();
  });

  it('records and queues every accepted job once, and every one of them ends once', async () => {
    const load = await submitUnderLoad({
      gateway,
      inputUri: `s3://${s3.buckets.dataset}/tiny.csv`,
      submissions: SUBMISSIONS,
      connections: CLIENTS,
      apiKey: TEST_ADMIN_KEY,
    });
    expect(load.statuses).toEqual({ 202: SUBMISSIONS });

    // Before any worker runs: one row and one waiting BullMQ job per answer, nothing else.
    const queue = producer.queue('inference');
    expect(await accountJobs(database.db, queue, load.jobIds, 'waiting')).toEqual({
      accepted: SUBMISSIONS,
      distinctIds: SUBMISSIONS,
      rows: SUBMISSIONS,
      lostRows: 0,
      extraRows: 0,
      queued: SUBMISSIONS,
      lostInQueue: 0,
      extraInQueue: 0,
    });

    const workerPort = await freePort();
    const worker = startApp('worker', {
      ...env,
      WORKER_PORT: String(workerPort),
      WORKER_QUEUES: 'inference',
      WORKER_CONCURRENCY_INFERENCE: '8',
    });
    apps.push(worker);
    await pollUntil(
      () => database.db.job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } }),
      (unfinished) => unfinished === 0,
      { timeoutMs: 60_000, intervalMs: 250 },
    );

    expect(await database.db.job.groupBy({ by: ['status', 'attempts'], _count: true })).toEqual([
      { status: 'SUCCEEDED', attempts: 1, _count: SUBMISSIONS },
    ]);
    expect(await accountJobs(database.db, queue, load.jobIds, 'completed')).toMatchObject({
      queued: SUBMISSIONS,
      lostInQueue: 0,
      extraInQueue: 0,
    });
    const started = countByJob([worker.output()], 'job started');
    expect(started.size).toBe(SUBMISSIONS);
    expect([...started.values()].every((times) => times === 1)).toBe(true);
  });
});
