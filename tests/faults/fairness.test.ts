import { ApiKeyRepository, generateApiKey } from '@shelfwise/db';
import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, bearer, startReady } from '../support/app-process';
import { predictionInput } from '../support/generated-csv';
import { jobClient } from '../support/job-client';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const FLOOD = 8;

// One client floods the inference queue; another submits one small job while the flood is running. The real
// gateway and one worker with a single inference slot: whoever the worker takes next shows the queue's
// order. The order is read from the job rows' started_at, never from how long anything took.
describe('fair share of inference workers between API keys', () => {
  let database: TestDatabase;
  let s3: TestS3;
  const apps: AppProcess[] = [];
  let api: string;
  let startWorker: () => Promise<void>;

  /** A client key stored the way `pnpm apikey create` stores it. */
  const clientKey = async (name: string): Promise<string> => {
    const made = generateApiKey();
    await new ApiKeyRepository(database.db).create({ id: made.id, name, role: 'CLIENT', hash: made.hash });
    return made.key;
  };
  /** Uploads `csv` with the client's key (so it is the client's own object) and submits its prediction. */
  const predict = async (key: string, name: string, csv: string): Promise<string> => {
    const upload = await fetch(`${api}/v1/uploads?name=${name}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...bearer(key) },
      body: csv,
    });
    const answer = (await upload.json()) as { uri: string };
    expect(upload.status, JSON.stringify(answer)).toBe(201);
    return jobClient(api, key).submit('/v1/predict/csv', { input_file_s3: answer.uri });
  };

  beforeAll(async () => {
    database = await createTestDatabase('faults_fairness');
    s3 = await createTestS3();
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    const env = {
      DATABASE_URL: database.url,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('fairness'),
      WORKER_QUEUES: 'inference',
      WORKER_CONCURRENCY_INFERENCE: '1',
      LOG_LEVEL: 'warn',
    };
    api = (await startReady('gateway', env, apps)).url;
    startWorker = async () => {
      await startReady('worker', env, apps);
    };
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await database?.drop();
  });

  it("starts another client's small job before a flooding client's backlog drains", async () => {
    const flooder = await clientKey('flooder');
    const other = await clientKey('other');
    const large = predictionInput(20_000).csv;
    const flood: string[] = [];
    for (let i = 0; i < FLOOD; i++) flood.push(await predict(flooder, `flood-${i}.csv`, large));
    // The worker starts on a whole flood queued: however fast or slow the uploads were, the flood is ahead.
    await startWorker();
    // Submitted once the flood is being worked on, with FLOOD - 1 of its jobs still queued ahead of it.
    await jobClient(api, flooder).until(flood[0] as string, (job) => job.status !== 'QUEUED');
    const small = await predict(other, 'small.csv', predictionInput(5).csv);
    for (const id of [...flood, small]) {
      expect((await jobClient(api, id === small ? other : flooder).finished(id, 180_000)).status).toBe(
        'SUCCEEDED',
      );
    }

    const rows = await database.db.job.findMany({ select: { id: true, startedAt: true } });
    const started = new Map(rows.map((row) => [row.id, row.startedAt?.getTime() ?? Number.NaN]));
    const smallStarted = started.get(small) ?? Number.NaN;
    const floodAfter = flood.filter((id) => (started.get(id) ?? Number.NaN) > smallStarted);
    // First come, first served would start it after all FLOOD: each owner's n-th job goes n-th instead.
    // The worker held the first of the flood (or, done with it, the second) when the small job came; it
    // takes the small one next.
    expect(floodAfter.length).toBeGreaterThanOrEqual(FLOOD - 2);
  });
});
