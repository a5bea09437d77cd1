import type { TrainedModel } from '@shelfwise/classifier';
import { trainSmallModel } from '@shelfwise/test-kit/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  answered,
  createTrackingFixture,
  drain,
  historyCounts,
  loseAnswerAfter,
  runsOfJob,
  storeTrainedModel,
  type TrackingFixture,
} from '../../test/tracking-fixture';
import { OutboxTracking } from './outbox-tracking';
import { endedTrainingRun } from './training-run-record';

const EPOCHS = 3;

describe('the training run sent through the outbox', () => {
  let fixture: TrackingFixture;
  let trained: TrainedModel;

  beforeAll(async () => {
    fixture = await createTrackingFixture('training_run');
    trained = await trainSmallModel(EPOCHS);
  });

  afterAll(async () => {
    await fixture?.close();
  });

  const recorder = () => new OutboxTracking({ db: fixture.database.db, onRecorded: () => undefined });
  const expectOnePointPerEpoch = (jobId: string) => {
    const runs = runsOfJob(fixture.mlflow, jobId);
    expect(runs).toHaveLength(1);
    const counts = historyCounts(runs[0] as NonNullable<(typeof runs)[0]>);
    expect(Object.keys(counts).length).toBeGreaterThan(6);
    for (const [key, count] of Object.entries(counts)) expect(count, key).toBe(EPOCHS);
  };

  it('sends the run: params, one point per epoch, artifacts, end status and a registered version', async () => {
    const model = await storeTrainedModel(fixture, trained);
    await recorder().recordTraining(model.run);
    expect((await fixture.jobs.findById(model.jobId))?.tracking).toBe('PENDING');
    await drain(fixture, [fixture.worker()]);

    const [run] = runsOfJob(fixture.mlflow, model.jobId);
    if (!run) throw new Error('no run for the job');
    const experiment = fixture.mlflow.state.experiments.get(run.experimentId);
    expect(experiment?.name).toBe('shelfwise');
    expect(run).toMatchObject({ status: 'FINISHED', runName: `train-v${model.row.version}` });
    expect(run.endTime).toBe(model.run.endTime);
    expect(Object.fromEntries(run.params)).toMatchObject({
      epochs: String(EPOCHS),
      learning_rate: String(trained.options.learningRate),
      dim: String(trained.options.dim),
      class_balancing: String(trained.options.classBalancing),
      word_ngrams: '1-2',
      char_ngrams: '4-4',
      dataset_uri: model.run.params.dataset_uri,
      dataset_hash: 'a'.repeat(64),
      rows_read: '600',
    });
    expect(run.tags.get('shelfwise.model_version')).toBe(String(model.row.version));
    expectOnePointPerEpoch(model.jobId);
    const f1 = run.metricHistory.filter((metric) => metric.key === 'eval_f1');
    expect(f1.map((metric) => metric.step)).toEqual([1, 2, 3]);
    expect(f1.map((metric) => metric.value)).toEqual(trained.history.map((epoch) => epoch.metrics.f1));
    for (const label of trained.labels) {
      const key = `eval_f1_${label.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`;
      expect(run.metricHistory.some((metric) => metric.key === key)).toBe(true);
    }

    const root = `${run.experimentId}/${run.runId}/artifacts`;
    expect(fixture.mlflow.state.artifacts.get(`${root}/model/model.onnx`)).toEqual(Buffer.from(model.onnx));
    expect(
      JSON.parse(String(fixture.mlflow.state.artifacts.get(`${root}/model/manifest.json`))),
    ).toMatchObject({
      labels: [...trained.labels],
    });
    const matrix = String(fixture.mlflow.state.artifacts.get(`${root}/confusion_matrix.csv`))
      .trim()
      .split('\n');
    expect(matrix).toHaveLength(1 + trained.labels.length);

    const registered = fixture.mlflow.state.registeredModels.get('shelfwise-classifier');
    const versions = registered?.versions.filter((version) => version.runId === run.runId) ?? [];
    expect(versions).toHaveLength(1);
    expect(versions[0]?.source).toBe(`mlflow-artifacts:/${run.experimentId}/${run.runId}/artifacts/model`);
    expect((await fixture.models.findByVersion(model.row.version))?.mlflowRunId).toBe(run.runId);
    expect((await fixture.jobs.findById(model.jobId))?.tracking).toBe('SENT');
  });

  it('creates no second run when the answer to creating it is lost', async () => {
    const model = await storeTrainedModel(fixture, trained);
    await recorder().recordTraining(model.run);
    const lost = loseAnswerAfter(fixture.mlflow, '/mlflow/runs/search');
    const before = answered(fixture.mlflow, '/mlflow/runs/create', 503);
    await drain(fixture, [fixture.worker()]);
    await lost;
    expect(answered(fixture.mlflow, '/mlflow/runs/create', 503)).toBe(before + 1);
    expect((await fixture.outbox.listByJob(model.jobId))[0]).toMatchObject({ status: 'SENT', attempts: 1 });
    expectOnePointPerEpoch(model.jobId);
  });

  it('logs no point twice when the answer to a log-batch is lost', async () => {
    const model = await storeTrainedModel(fixture, trained);
    await recorder().recordTraining(model.run);
    const lost = loseAnswerAfter(fixture.mlflow, '/mlflow/runs/create');
    const before = answered(fixture.mlflow, '/mlflow/runs/log-batch', 503);
    await drain(fixture, [fixture.worker()]);
    await lost;
    expect(answered(fixture.mlflow, '/mlflow/runs/log-batch', 503)).toBe(before + 1);
    expectOnePointPerEpoch(model.jobId);
  });

  it('registers one model version when the answer to registering it is lost', async () => {
    const model = await storeTrainedModel(fixture, trained);
    await recorder().recordTraining(model.run);
    const lost = loseAnswerAfter(fixture.mlflow, '/mlflow/registered-models/create');
    const before = answered(fixture.mlflow, '/mlflow/model-versions/create', 503);
    await drain(fixture, [fixture.worker()]);
    await lost;
    expect(answered(fixture.mlflow, '/mlflow/model-versions/create', 503)).toBe(before + 1);
    const [run] = runsOfJob(fixture.mlflow, model.jobId);
    const versions = fixture.mlflow.state.registeredModels
      .get('shelfwise-classifier')
      ?.versions.filter((version) => version.runId === run?.runId);
    expect(versions).toHaveLength(1);
  });

  it('finishes the run of a failed attempt in the same run when the retry succeeds', async () => {
    const model = await storeTrainedModel(fixture, trained);
    const request = {
      v: 1 as const,
      jobId: model.jobId,
      sourceUri: model.run.params.dataset_uri ?? '',
      epochs: EPOCHS,
      bestModelMetric: 'eval_f1' as const,
    };
    await recorder().recordTraining(
      endedTrainingRun({ jobId: model.jobId, request, startTime: model.run.startTime, status: 'FAILED' }),
    );
    const worker = fixture.worker();
    await drain(fixture, [worker]);
    expect(runsOfJob(fixture.mlflow, model.jobId).map((run) => run.status)).toEqual(['FAILED']);

    await recorder().recordTraining(model.run);
    await drain(fixture, [worker]);
    expect(runsOfJob(fixture.mlflow, model.jobId).map((run) => run.status)).toEqual(['FINISHED']);
    expectOnePointPerEpoch(model.jobId);

    // A later failed attempt of the same job (it failed after the model was stored) changes nothing.
    await recorder().recordTraining(
      endedTrainingRun({ jobId: model.jobId, request, startTime: Date.now(), status: 'FAILED' }),
    );
    await drain(fixture, [worker]);
    expect(runsOfJob(fixture.mlflow, model.jobId).map((run) => run.status)).toEqual(['FINISHED']);
  });
});
