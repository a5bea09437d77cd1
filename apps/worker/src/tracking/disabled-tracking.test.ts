import { randomUUID } from 'node:crypto';
import { loadConfig } from '@shelfwise/config';
import { createLogger } from '@shelfwise/logger';
import { createTestDatabase, createTestS3, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracking } from './create-tracking';
import { endedTrainingRun } from './training-run-record';

describe('tracking without MLFLOW_TRACKING_URI', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('no_tracking');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('queues nothing, runs no dispatcher, and marks the jobs as not tracked', async () => {
    const tracking = createTracking({
      config: loadConfig({}).mlflow,
      db: database.db,
      store: (await createTestS3()).store,
      logger: createLogger({ name: 'test', level: 'silent' }),
    });
    expect(tracking.dispatcher).toBeUndefined();
    const [train, predict] = [randomUUID(), randomUUID()];
    await database.db.job.create({ data: { id: train, type: 'TRAIN_CSV', input: {} } });
    await database.db.job.create({ data: { id: predict, type: 'PREDICT_CSV', input: {} } });
    const request = {
      v: 1 as const,
      jobId: train,
      sourceUri: 's3://dataset/a.csv',
      epochs: 1,
      bestModelMetric: 'eval_f1' as const,
    };
    await tracking.jobs.recordTraining(
      endedTrainingRun({ jobId: train, request, startTime: 0, status: 'FAILED' }),
    );
    await tracking.jobs.recordMonitoring({
      jobId: predict,
      modelVersionId: 1,
      modelVersion: 1,
      weightedF1: 1,
      minF1: 1,
      perClassF1: {},
      rows: 1,
      labelledRows: 1,
      seenRows: 0,
      latencyPerRowMs: 1,
    });
    expect(await database.db.trackingOutboxEntry.count()).toBe(0);
    const jobs = await database.db.job.findMany({ select: { tracking: true } });
    expect(jobs.map((job) => job.tracking)).toEqual(['DISABLED', 'DISABLED']);
  });
});
