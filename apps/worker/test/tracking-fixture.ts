import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { exportModel, type TrainedModel } from '@shelfwise/classifier';
import { loadConfig } from '@shelfwise/config';
import {
  JobRepository,
  type ModelVersion,
  ModelVersionRepository,
  TrackingOutboxRepository,
  withTransaction,
} from '@shelfwise/db';
import { createLogger } from '@shelfwise/logger';
import { type MlflowTestServer, type StoredRun, startMlflowTestServer } from '@shelfwise/mlflow-test-server';
import { ModelArtifactStore } from '@shelfwise/model-store';
import { createTestDatabase, createTestS3, type TestDatabase, type TestS3 } from '@shelfwise/test-kit';
import { createTracking, type Tracking } from '../src/tracking/create-tracking';
import { RUN_TAGS } from '../src/tracking/tracking-keys';
import type { TrainingRunPayload } from '../src/tracking/tracking-payloads';
import { finishedTrainingRun } from '../src/tracking/training-run-record';

/** Real MySQL, S3 and onnx export; MLflow is the in-repo test server. One per test file. */
export interface TrackingFixture {
  database: TestDatabase;
  s3: TestS3;
  mlflow: MlflowTestServer;
  outbox: TrackingOutboxRepository;
  jobs: JobRepository;
  models: ModelVersionRepository;
  /** A worker's tracking as main.ts builds it; several act as several workers. */
  worker(env?: Record<string, string>): Tracking;
  close(): Promise<void>;
}

export async function createTrackingFixture(label: string): Promise<TrackingFixture> {
  const database = await createTestDatabase(label);
  const s3 = await createTestS3();
  const mlflow = await startMlflowTestServer();
  const logger = createLogger({ name: 'tracking-test', level: 'silent' });
  return {
    database,
    s3,
    mlflow,
    outbox: new TrackingOutboxRepository(database.db),
    jobs: new JobRepository(database.db),
    models: new ModelVersionRepository(database.db),
    worker: (env = {}) => {
      const config = loadConfig({
        MLFLOW_TRACKING_URI: mlflow.url,
        MLFLOW_OUTBOX_INTERVAL_MS: '20',
        MLFLOW_OUTBOX_MAX_BACKOFF_MS: '200',
        MLFLOW_TIMEOUT_MS: '2000',
        ...env,
      });
      return createTracking({ config: config.mlflow, db: database.db, store: s3.store, logger });
    },
    close: async () => {
      await mlflow.close();
      await database.drop();
    },
  };
}

export interface StoredModel {
  jobId: string;
  row: ModelVersion;
  run: TrainingRunPayload;
  onnx: Uint8Array;
}

/** What the train handler leaves behind: a job row, a READY model version, its artifacts, its run record. */
export async function storeTrainedModel(
  fixture: TrackingFixture,
  trained: TrainedModel,
): Promise<StoredModel> {
  const jobId = randomUUID();
  const sourceUri = `s3://${fixture.s3.buckets.dataset}/train.csv`;
  const request = {
    v: 1 as const,
    jobId,
    sourceUri,
    epochs: trained.options.epochs,
    bestModelMetric: 'eval_f1' as const,
  };
  await fixture.jobs.create({ id: jobId, type: 'TRAIN_CSV', input: request });
  const artifacts = new ModelArtifactStore(fixture.s3.store, fixture.s3.buckets.models);
  const row = await withTransaction(fixture.database.db, (tx) =>
    new ModelVersionRepository(tx).create({
      artifactUri: (version) => artifacts.locate(version),
      datasetUri: sourceUri,
      datasetHash: 'a'.repeat(64),
      labels: [...trained.labels],
      metrics: {},
      trainingJobId: jobId,
    }),
  );
  const { onnx, manifest } = exportModel(trained);
  await artifacts.save(row.artifactUri, { onnx, manifest });
  await fixture.models.markReady(row.version, {});
  const startTime = Date.now() - 1_000;
  const run = finishedTrainingRun({
    jobId,
    request,
    startTime,
    trainingStartTime: startTime + 100,
    data: { datasetHash: 'a'.repeat(64), rowsRead: 600, examples: [], files: [sourceUri] },
    trained,
    modelVersion: row,
  });
  return { jobId, row, run, onnx };
}

/**
 * Runs dispatcher passes (of every given worker at once; at least one, which also notices promotions)
 * until no entry is PENDING. Retries wait out
 * their backoff, so this polls, with a deadline.
 */
export async function drain(
  fixture: TrackingFixture,
  workers: Tracking[],
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const pending = () => fixture.database.db.trackingOutboxEntry.count({ where: { status: 'PENDING' } });
  do {
    if (Date.now() > deadline) throw new Error(`outbox entries still pending after ${timeoutMs} ms`);
    const tried = await Promise.all(workers.map((worker) => worker.dispatcher?.sendDue() ?? 0));
    if (tried.every((count) => count === 0)) await delay(20);
  } while ((await pending()) > 0);
}

/** Arms the test server to apply the request that follows the next `path` request but lose its answer. */
export function loseAnswerAfter(mlflow: MlflowTestServer, path: string): Promise<void> {
  const seen = mlflow.countRequests(path);
  return mlflow
    .waitForRequests(path, seen + 1, 20_000)
    .then(() => mlflow.failNext(1, 503, { afterApplying: true }));
}

export const runsOfJob = (mlflow: MlflowTestServer, jobId: string): StoredRun[] =>
  [...mlflow.state.runs.values()].filter((run) => run.tags.get(RUN_TAGS.jobId) === jobId);

/** Metric points per key, e.g. `{ eval_f1: 3, ... }`. */
export function historyCounts(run: StoredRun): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const metric of run.metricHistory) counts[metric.key] = (counts[metric.key] ?? 0) + 1;
  return counts;
}

/** Requests to `path` (a suffix) the server answered with `status`. */
export const answered = (mlflow: MlflowTestServer, path: string, status: number): number =>
  mlflow.state.requests.filter((request) => request.path.endsWith(path) && request.status === status).length;
