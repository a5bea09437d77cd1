import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, startReady } from '../support/app-process';
import { predictionInput, trainingInput } from '../support/generated-csv';
import { type JobClient, jobClient } from '../support/job-client';
import { logLines, logsOf } from '../support/log-lines';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const PREDICT_ROWS = 300_000;

// kill -9 of the worker running a job: BullMQ's stalled-job check hands it to another worker, which runs
// it from the start. Short locks (WORKER_LOCK_MS) make the takeover take seconds instead of minutes.
describe('a worker killed in the middle of a job', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let client: JobClient;
  let env: Record<string, string>;
  let texts: string[];
  const apps: AppProcess[] = [];

  const launch = async (name: 'gateway' | 'worker', extra: Record<string, string>) => {
    return startReady(name, { ...env, ...extra }, apps);
  };

  beforeAll(async () => {
    database = await createTestDatabase('faults_kill');
    s3 = await createTestS3();
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    const input = predictionInput(PREDICT_ROWS);
    texts = input.texts;
    await s3.store.upload(`s3://${s3.buckets.dataset}/large.csv`, input.csv);
    await s3.store.upload(`s3://${s3.buckets.dataset}/train.csv`, trainingInput(20_000));
    env = {
      DATABASE_URL: database.url,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('kill'),
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '500',
      LOG_LEVEL: 'info',
    };
    const gateway = await launch('gateway', {});
    client = jobClient(gateway.url);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await database?.drop();
  });

  it('is taken over by another worker: both jobs succeed once, with complete outputs', async () => {
    const inference = await launch('worker', { WORKER_QUEUES: 'inference' });
    const training = await launch('worker', { WORKER_QUEUES: 'training' });
    const predictId = await client.submit('/v1/predict/csv', {
      input_file_s3: `s3://${s3.buckets.dataset}/large.csv`,
    });
    const trainId = await client.submit('/v1/train/csv', {
      train_file_s3: `s3://${s3.buckets.dataset}/train.csv`,
      epoch_num: 10,
      best_model_metric: 'eval_f1',
    });

    // Mid-job: progress reported, not finished. Then no grace at all.
    const midPredict = await client.until(predictId, (job) => job.status === 'RUNNING' && job.progress > 0);
    inference.app.child.kill('SIGKILL');
    const midTrain = await client.until(trainId, (job) => job.status === 'RUNNING' && job.progress > 0.05);
    training.app.child.kill('SIGKILL');
    await Promise.all([inference.app.exited, training.app.exited]);
    expect(midPredict.progress).toBeLessThan(1);
    expect(midTrain.progress).toBeLessThan(1);

    const survivor = await launch('worker', { WORKER_QUEUES: 'inference,training' });
    const [predicted, trained] = await Promise.all([
      client.finished(predictId, 60_000),
      client.finished(trainId, 60_000),
    ]);
    expect(predicted.status, JSON.stringify(predicted.error)).toBe('SUCCEEDED');
    expect(trained.status, JSON.stringify(trained.error)).toBe('SUCCEEDED');
    // The killed processes never finished them: the survivor did, once each.
    expect(inference.app.output()).not.toContain('"msg":"job succeeded"');
    expect(training.app.output()).not.toContain('"msg":"job succeeded"');
    const succeeded = await logsOf(() => [survivor.app.output()], 'job succeeded', [predictId, trainId]);
    expect(Object.fromEntries(succeeded)).toEqual({ [predictId]: 1, [trainId]: 1 });
    // The takeover is a second start: counted on the row and in the logs (by the process that made it),
    // while started_at keeps the first start, on the killed worker.
    for (const [id, killed] of [
      [predictId, inference.app],
      [trainId, training.app],
    ] as const) {
      const starts = [killed, survivor.app].map((app) =>
        logLines(app.output()).find((line) => line.jobId === id && line.msg === 'job started'),
      );
      expect(starts.map((line) => line?.attempt)).toEqual([1, 2]);
      expect(starts.map((line) => line?.pid)).toEqual([killed.child.pid, survivor.app.child.pid]);
      const row = await database.db.job.findUnique({ where: { id } });
      expect(row?.attempts).toBe(2);
      expect(row?.startedAt?.getTime()).toBeLessThanOrEqual(Date.parse(String(starts[0]?.time)));
    }

    // Exactly one predictions object, every input row in order with a prediction.
    const objects = await s3.store.list(`s3://${s3.buckets.inference}/${predictId}/`);
    expect(objects.map((o) => o.key)).toEqual([`${predictId}/predictions.csv`]);
    const lines = (await s3.store.downloadBytes(predicted.result?.output_uri ?? ''))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe('product_description,predicted_category,confidence');
    expect(lines).toHaveLength(PREDICT_ROWS + 1);
    expect(predicted.result?.details).toMatchObject({ rows: PREDICT_ROWS });
    for (const i of [0, 1, 4_999, 150_000, PREDICT_ROWS - 1]) {
      const line = lines[i + 1] ?? '';
      expect(line.startsWith(texts[i]?.includes(',') ? `"${texts[i]}` : `${texts[i]},`), line).toBe(true);
      expect(line).toMatch(/,[^,]+,0\.\d{6}$|,[^,]+,1\.000000$/);
    }

    // The model version is recorded once for the training job.
    const versions = await database.db.modelVersion.findMany({ where: { trainingJobId: trainId } });
    expect(versions).toHaveLength(1);
    expect(versions[0]?.status).toBe('READY');
    expect(trained.result?.model_version).toBe(versions[0]?.version);
    expect(await database.db.modelVersion.count()).toBe(2);
  });
});
