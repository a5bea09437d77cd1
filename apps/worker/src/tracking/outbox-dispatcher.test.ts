import { randomUUID } from 'node:crypto';
import type { TrainedModel } from '@shelfwise/classifier';
import { trainSmallModel } from '@shelfwise/test-kit/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTrackingFixture,
  drain,
  historyCounts,
  runsOfJob,
  storeTrainedModel,
  type TrackingFixture,
} from '../../test/tracking-fixture';
import { OutboxTracking } from './outbox-tracking';

const EPOCHS = 2;

describe('the outbox dispatcher', () => {
  let fixture: TrackingFixture;
  let trained: TrainedModel;

  beforeAll(async () => {
    fixture = await createTrackingFixture('dispatcher');
    trained = await trainSmallModel(EPOCHS);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const recorder = () => new OutboxTracking({ db: fixture.database.db, onRecorded: () => undefined });

  it('keeps entries while MLflow is down and sends each once after it is back', async () => {
    const model = await storeTrainedModel(fixture, trained);
    await fixture.mlflow.stop();
    const worker = fixture.worker();
    try {
      await recorder().recordTraining(model.run);
      expect(await worker.dispatcher?.sendDue()).toBe(1);
      const [entry] = await fixture.outbox.listByJob(model.jobId);
      expect(entry).toMatchObject({ status: 'PENDING', attempts: 1, claimedBy: null });
      expect(entry?.lastError).toBeTruthy();
      expect(entry?.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() - 1_000);
      expect((await fixture.jobs.findById(model.jobId))?.tracking).toBe('PENDING');
    } finally {
      await fixture.mlflow.restart();
    }
    await drain(fixture, [worker]);
    expect((await fixture.jobs.findById(model.jobId))?.tracking).toBe('SENT');
    const runs = runsOfJob(fixture.mlflow, model.jobId);
    expect(runs).toHaveLength(1);
    for (const count of Object.values(historyCounts(runs[0] as NonNullable<(typeof runs)[0]>))) {
      expect(count).toBe(EPOCHS);
    }
  });

  it('bounds every call: a stalled MLflow costs one timeout per attempt, not a hang', async () => {
    const model = await storeTrainedModel(fixture, trained);
    await recorder().recordTraining(model.run);
    const worker = fixture.worker({ MLFLOW_TIMEOUT_MS: '300' });
    fixture.mlflow.stall(Number.POSITIVE_INFINITY);
    try {
      const started = performance.now();
      await worker.dispatcher?.sendDue();
      expect(performance.now() - started).toBeLessThan(3_000);
      const [entry] = await fixture.outbox.listByJob(model.jobId);
      expect(entry).toMatchObject({ status: 'PENDING', attempts: 1 });
      expect(entry?.lastError).toMatch(/timed out/i);
    } finally {
      fixture.mlflow.stall(false);
    }
    await drain(fixture, [worker]);
    expect(runsOfJob(fixture.mlflow, model.jobId).map((run) => run.status)).toEqual(['FINISHED']);
  });

  it('never lets two workers send the same entry', async () => {
    const models = [];
    for (let i = 0; i < 3; i++) models.push(await storeTrainedModel(fixture, trained));
    const logBatches = fixture.mlflow.countRequests('/mlflow/runs/log-batch');
    const creates = fixture.mlflow.countRequests('/mlflow/runs/create');
    for (const model of models) await recorder().recordTraining(model.run);
    await drain(fixture, [fixture.worker(), fixture.worker(), fixture.worker()]);
    for (const model of models) expect(runsOfJob(fixture.mlflow, model.jobId)).toHaveLength(1);
    // One run creation and one log-batch per entry: no entry was sent twice.
    expect(fixture.mlflow.countRequests('/mlflow/runs/create') - creates).toBe(3);
    expect(fixture.mlflow.countRequests('/mlflow/runs/log-batch') - logBatches).toBe(3);
  });

  it('gives up after the configured attempts and says so on the job', async () => {
    const jobId = randomUUID();
    await fixture.jobs.create({ id: jobId, type: 'PREDICT_CSV', input: {} });
    const model = await storeTrainedModel(fixture, trained);
    await recorder().recordMonitoring({
      jobId,
      modelVersionId: model.row.id,
      modelVersion: model.row.version,
      weightedF1: 0.9,
      minF1: 0.8,
      perClassF1: {},
      rows: 10,
      labelledRows: 5,
      seenRows: 0,
      latencyPerRowMs: 0.1,
    });
    fixture.mlflow.failAll(500);
    try {
      await drain(fixture, [fixture.worker({ MLFLOW_OUTBOX_MAX_ATTEMPTS: '2' })]);
    } finally {
      fixture.mlflow.failAll(false);
    }
    const [entry] = await fixture.outbox.listByJob(jobId);
    expect(entry).toMatchObject({ status: 'FAILED', attempts: 2 });
    expect((await fixture.jobs.findById(jobId))?.tracking).toBe('FAILED');
  });
});
