import { type MlflowTestServer, type StoredRun, startMlflowTestServer } from '@shelfwise/mlflow-test-server';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/app-process';
import { startSystem } from '../support/start-system';

const REGISTERED_MODEL = 'shelfwise-classifier';

/** The shared running system plus what these tests do with it: upload data, run jobs, read tracking. */
async function startTrackedSystem(label: string, extraEnv: Record<string, string>) {
  // Only the first model is promoted by training; the test promotes the next one by hand.
  const system = await startSystem(label, { AUTO_PROMOTE: 'never', ...extraEnv });
  const { s3, database, client } = system;
  const dataset = `s3://${s3.buckets.dataset}`;
  const uploadTraining = async (name: string, count: number) => {
    const rows = labelledProducts(count);
    await s3.store.upload(
      `${dataset}/${name}`,
      toCsv(
        ['product_description', 'Category'],
        rows.map((r) => [r.text, r.label]),
      ),
    );
    return `${dataset}/${name}`;
  };
  const uploadLabelledInference = async (name: string) => {
    const rows = labelledProducts(100, 3);
    await s3.store.upload(
      `${dataset}/${name}`,
      toCsv(
        ['product_description', 'HUMAN_VERIFIED_Category'],
        rows.map((r, i) => [r.text, i % 2 === 0 ? r.label : '']),
      ),
    );
    return `${dataset}/${name}`;
  };
  return {
    ...system,
    post: client.post,
    run: async (path: string, body: unknown) => client.finished(await client.submit(path, body), 90_000),
    uploadTraining,
    uploadLabelledInference,
    tracking: async (jobId: string) =>
      (await database.db.job.findUnique({ where: { id: jobId } }))?.tracking ?? null,
  };
}

type System = Awaited<ReturnType<typeof startTrackedSystem>>;

describe('MLflow tracking end to end', () => {
  let mlflow: MlflowTestServer;
  let system: System;

  beforeAll(async () => {
    mlflow = await startMlflowTestServer();
    system = await startTrackedSystem('e2e_mlflow', {
      MLFLOW_TRACKING_URI: mlflow.url,
      MLFLOW_EXPERIMENT: 'shelfwise-e2e',
      MLFLOW_OUTBOX_INTERVAL_MS: '200',
      MLFLOW_OUTBOX_MAX_BACKOFF_MS: '1000',
      MLFLOW_TIMEOUT_MS: '2000',
    });
  });

  afterAll(async () => {
    await system?.stop();
    await mlflow?.close();
  });

  const runsOfJob = (jobId: string): StoredRun[] =>
    [...mlflow.state.runs.values()].filter((run) => run.tags.get('shelfwise.job_id') === jobId);
  const registered = () => mlflow.state.registeredModels.get(REGISTERED_MODEL);
  const registeredVersionOf = (run: StoredRun) =>
    registered()?.versions.find((version) => version.runId === run.runId)?.version;
  const trackingSent = (jobId: string) =>
    pollUntil(
      () => system.tracking(jobId),
      (state) => state === 'SENT',
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  const expectCompleteRun = async (jobId: string, modelVersion: number, epochs: number) => {
    const runs = runsOfJob(jobId);
    expect(runs).toHaveLength(1);
    const run = runs[0] as StoredRun;
    expect(run.status).toBe('FINISHED');
    expect(mlflow.state.experiments.get(run.experimentId)?.name).toBe('shelfwise-e2e');
    expect(Object.fromEntries(run.params)).toMatchObject({
      epochs: String(epochs),
      learning_rate: expect.any(String),
      dim: expect.any(String),
      word_ngrams: expect.any(String),
      char_ngrams: expect.any(String),
      class_balancing: expect.any(String),
      dataset_uri: expect.stringMatching(/^s3:\/\//),
      dataset_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      rows_read: expect.any(String),
      training_rows: expect.any(String),
    });
    expect(run.tags.get('shelfwise.model_version')).toBe(String(modelVersion));
    // Exactly one point per epoch for every metric: nothing was logged twice.
    const keys = new Set(run.metricHistory.map((metric) => metric.key));
    for (const key of [
      'eval_loss',
      'eval_f1',
      'eval_f1_min',
      'eval_precision',
      'eval_recall',
      'eval_accuracy',
    ])
      expect(keys.has(key), key).toBe(true);
    expect([...keys].filter((key) => key.startsWith('eval_f1_') && key !== 'eval_f1_min')).toHaveLength(5);
    for (const key of keys) {
      const steps = run.metricHistory.filter((metric) => metric.key === key).map((metric) => metric.step);
      expect(steps, key).toEqual(Array.from({ length: epochs }, (_, i) => i + 1));
    }
    const root = `${run.experimentId}/${run.runId}/artifacts`;
    const onnx = await system.s3.store.downloadBytes(
      `s3://${system.s3.buckets.models}/${modelVersion}/model.onnx`,
    );
    expect(mlflow.state.artifacts.get(`${root}/model/model.onnx`)?.equals(onnx)).toBe(true);
    expect(mlflow.state.artifacts.has(`${root}/model/manifest.json`)).toBe(true);
    expect(
      String(mlflow.state.artifacts.get(`${root}/confusion_matrix.csv`))
        .trim()
        .split('\n'),
    ).toHaveLength(6);
    expect(registered()?.versions.filter((version) => version.runId === run.runId)).toHaveLength(1);
    const row = await system.database.db.modelVersion.findUnique({ where: { version: modelVersion } });
    expect(row?.mlflowRunId).toBe(run.runId);
    return run;
  };

  it('records a training job as a finished run with its data, a registered version and the production alias', async () => {
    const job = await system.run('/v1/train/csv', {
      train_file_s3: await system.uploadTraining('train.csv', 1_500),
      epoch_num: 3,
      best_model_metric: 'eval_f1',
    });
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    expect(job.result?.model_version).toBe(1);
    await trackingSent(job.job_id);
    const run = await expectCompleteRun(job.job_id, 1, 3);
    // The first model was promoted by its training: the alias follows it.
    await pollUntil(
      async () => registered()?.aliases.get('production'),
      (version) => version !== undefined && version === registeredVersionOf(run),
    );
  });

  it('logs an inference job with verified labels to the monitoring run of its model version', async () => {
    const job = await system.run('/v1/predict/csv', {
      input_file_s3: await system.uploadLabelledInference('incoming.csv'),
    });
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    await trackingSent(job.job_id);
    const runs = [...mlflow.state.runs.values()].filter((run) => run.runName === 'monitoring-v1');
    expect(runs).toHaveLength(1);
    const stored = await system.database.db.monitoringMetric.findUnique({ where: { jobId: job.job_id } });
    const weighted = runs[0]?.metricHistory.filter((metric) => metric.key === 'weighted_f1') ?? [];
    expect(weighted.map((metric) => metric.value)).toEqual([stored?.weightedF1]);
    expect(weighted[0]?.step).toBe(Math.floor((weighted[0]?.timestamp ?? 0) / 1000));
    const labelled = runs[0]?.metricHistory.find((metric) => metric.key === 'labelled_rows');
    expect(labelled?.value).toBe(50);
  });

  it('lets a training job succeed while MLflow is down, and sends its run once MLflow is back, once', async () => {
    await mlflow.stop();
    let jobId = '';
    try {
      const job = await system.run('/v1/train/csv', {
        train_file_s3: await system.uploadTraining('train.csv', 1_500),
        epoch_num: 2,
        best_model_metric: 'eval_f1_min',
      });
      jobId = job.job_id;
      expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
      expect(job.result?.model_version).toBe(2);
      expect(await system.tracking(jobId)).toBe('PENDING');
      // The worker did try (and keeps trying): the entry records the failed attempts.
      const entry = await pollUntil(
        () => system.database.db.trackingOutboxEntry.findFirst({ where: { jobId } }),
        (found) => (found?.attempts ?? 0) >= 1,
        { timeoutMs: 15_000 },
      );
      expect(entry).toMatchObject({ status: 'PENDING', kind: 'TRAINING_RUN' });
      expect(runsOfJob(jobId)).toHaveLength(0);
    } finally {
      await mlflow.restart();
    }
    await trackingSent(jobId);
    const run = await expectCompleteRun(jobId, 2, 2);

    // Promoted by hand through the gateway, which knows nothing of MLflow: the alias moves all the same.
    const promoted = await system.post('/v1/models/2/promote', {});
    expect(promoted.status).toBe(200);
    await pollUntil(
      async () => registered()?.aliases.get('production'),
      (version) => version !== undefined && version === registeredVersionOf(run),
    );
  });
});

describe('the system without MLFLOW_TRACKING_URI', () => {
  let system: System;

  beforeAll(async () => {
    system = await startTrackedSystem('e2e_no_mlflow', {});
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('trains and predicts as usual, keeps the figures in MySQL and queues nothing for MLflow', async () => {
    const trained = await system.run('/v1/train/csv', {
      train_file_s3: await system.uploadTraining('train.csv', 1_000),
      epoch_num: 1,
      best_model_metric: 'eval_f1',
    });
    expect(trained.status, JSON.stringify(trained.error)).toBe('SUCCEEDED');
    const predicted = await system.run('/v1/predict/csv', {
      input_file_s3: await system.uploadLabelledInference('incoming.csv'),
    });
    expect(predicted.status, JSON.stringify(predicted.error)).toBe('SUCCEEDED');
    expect(
      await system.database.db.monitoringMetric.findUnique({ where: { jobId: predicted.job_id } }),
    ).toMatchObject({ labelledRows: 50 });
    expect(await system.tracking(trained.job_id)).toBe('DISABLED');
    expect(await system.tracking(predicted.job_id)).toBe('DISABLED');
    expect(await system.database.db.trackingOutboxEntry.count()).toBe(0);
  });
});
