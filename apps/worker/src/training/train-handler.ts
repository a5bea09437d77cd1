import { exportModel, stratifiedSplit, train } from '@shelfwise/classifier';
import type { JobPayload, JobResult } from '@shelfwise/contracts';
import {
  type Db,
  isUniqueViolation,
  type ModelVersion,
  ModelVersionRepository,
  withTransaction,
} from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';
import { JobCancelledError } from '../errors/job-cancelled-error';
import { NoModelError } from '../errors/no-model-error';
import { throttle } from '../inference/throttle';
import type { JobContext, JobOutcome } from '../job-context';
import type { RecordedHandler } from '../job-handlers';
import type { ModelServer } from '../model/model-server';
import type { JobTracking } from '../tracking/job-tracking';
import { endedTrainingRun, finishedTrainingRun } from '../tracking/training-run-record';
import { modelMetrics } from './model-metrics';
import { type AutoPromote, decidePromotion } from './promotion-policy';
import { type CapturedFeedback, readTrainingData } from './read-training-data';

export interface TrainDependencies {
  db: Db;
  store: ObjectStore;
  models: ModelServer;
  modelsBucket: string;
  autoPromote: AutoPromote;
  /** Seeds the split and the trainer: the same data gives the same model. */
  seed: number;
  /** Records the job's MLflow run (into the outbox, or nowhere when tracking is off). */
  tracking: JobTracking;
  /** The feedback predict jobs captured: read too when the payload asks (`includeFeedback`). */
  feedback: CapturedFeedback;
  /** Prefixes a training read never takes rows from (the review files). */
  skipPrefixes: readonly string[];
}

const VALIDATION_FRACTION = 0.2;

/**
 * Reads the dataset, trains with per-epoch evaluation, stores the ONNX model and manifest under
 * s3://models/<version>/, records the version once (a retried job reuses its row) and promotes it
 * according to the policy. Every attempt that ends records the job's MLflow run (never waiting on MLflow).
 */
export function trainHandler(deps: TrainDependencies): RecordedHandler<'train'> {
  const versions = new ModelVersionRepository(deps.db);
  return {
    kind: 'recorded',
    run: async (payload, context) => {
      const startTime = Date.now();
      try {
        return await trainOnce(deps, versions, payload, context, startTime);
      } catch (error) {
        // The run ends with the attempt; a retry that succeeds finishes the same run.
        const status = error instanceof JobCancelledError ? 'KILLED' : 'FAILED';
        await deps.tracking
          .recordTraining(endedTrainingRun({ jobId: context.jobId, request: payload, startTime, status }))
          .catch((trackingError: unknown) =>
            context.logger.warn({ err: trackingError }, 'could not record the ended training run'),
          );
        throw error;
      }
    },
  };
}

async function trainOnce(
  deps: TrainDependencies,
  versions: ModelVersionRepository,
  payload: JobPayload<'train'>,
  context: JobContext,
  startTime: number,
): Promise<JobOutcome<JobResult<'train'>>> {
  const { signal } = context;
  // Progress in MySQL once a second at most; every report also feeds the run's watchdog.
  const report = throttle(1_000, (fraction: number) => context.progress(fraction));
  const data = await readTrainingData(deps.store, payload.sourceUri, {
    etag: payload.sourceEtag,
    pin: context.pinInputs,
    signal,
    progress: (fraction) => report(0.05 * fraction),
    feedback: payload.includeFeedback ? deps.feedback : undefined,
    skip: deps.skipPrefixes,
  });
  context.logger.info(
    { rows: data.rowsBySource, examples: data.examples.length, files: data.files.length },
    'dataset read',
  );
  await context.progress(0.05);
  const split = stratifiedSplit(data.examples, VALIDATION_FRACTION, deps.seed);
  const trainingStartTime = Date.now();
  const trained = await train(
    split.train,
    {
      epochs: payload.epochs,
      seed: deps.seed,
      bestModelMetric: payload.bestModelMetric,
      validation: split.validation,
      trainingDataHash: data.datasetHash,
    },
    {
      onEpoch: async (epoch) => {
        context.logger.info(
          { epoch: epoch.epoch, eval_f1: epoch.metrics.f1, eval_f1_min: epoch.metrics.minF1 },
          'epoch done',
        );
        await context.progress(0.05 + 0.85 * (epoch.epoch / epoch.epochs));
        await context.checkCancelled();
      },
      // Within epochs too: a long epoch must not look like a stuck job to the watchdog.
      onProgress: (done) => report(0.05 + 0.85 * done),
    },
  );
  const metrics = modelMetrics(trained);
  // A version number and its artifacts are this job's outputs: committed only while this run owns the job.
  await context.confirmOwnership();
  const row = await versionFor(versions, deps.db, context.jobId, {
    artifactUri: (version) => `s3://${deps.modelsBucket}/${version}/`,
    datasetUri: payload.sourceUri,
    datasetHash: data.datasetHash,
    labels: [...trained.labels],
    metrics,
    trainingJobId: context.jobId,
  });
  const { onnx, manifest } = exportModel(trained);
  await deps.store.upload(`${row.artifactUri}model.onnx`, onnx, 'application/octet-stream', { signal });
  await deps.store.upload(
    `${row.artifactUri}manifest.json`,
    JSON.stringify(manifest, null, 2),
    'application/json',
    { signal },
  );
  await context.confirmOwnership();
  await versions.markReady(row.version, metrics);

  const candidateScore = payload.bestModelMetric === 'eval_f1' ? metrics.eval_f1 : metrics.eval_f1_min;
  const decision = await decideWithServing(deps, payload.bestModelMetric, candidateScore, split.validation);
  if (decision.promote) {
    await context.confirmOwnership();
    await withTransaction(deps.db, (tx) => new ModelVersionRepository(tx).promote(row.version));
  }
  context.logger.info(
    { modelVersion: row.version, promoted: decision.promote, reason: decision.reason },
    'model stored',
  );
  if (decision.promote) await deps.models.refresh();
  await deps.tracking.recordTraining(
    finishedTrainingRun({
      jobId: context.jobId,
      request: payload,
      startTime,
      trainingStartTime,
      data,
      trained,
      modelVersion: row,
    }),
  );

  const result: JobResult<'train'> = {
    model_version: row.version,
    promoted: decision.promote,
    dataset_hash: data.datasetHash,
    rows: data.examples.length,
    rows_by_source: data.rowsBySource,
    metrics: { ...metrics, promotion: decision.reason },
  };
  return { result, outputUri: row.artifactUri, modelVersionId: row.id };
}

async function decideWithServing(
  deps: TrainDependencies,
  metric: 'eval_f1' | 'eval_f1_min',
  candidateScore: number,
  validation: Parameters<typeof decidePromotion>[0]['validation'],
) {
  const lease = await deps.models.acquire({ fresh: true }).catch((error: unknown) => {
    if (error instanceof NoModelError) return undefined;
    throw error;
  });
  try {
    return await decidePromotion({
      policy: deps.autoPromote,
      metric,
      candidateScore,
      validation,
      serving: lease && { version: lease.version, predictor: lease.predictor },
    });
  } finally {
    lease?.release();
  }
}

/** The job's model version row: the one a previous attempt created, or a new one with the next number. */
async function versionFor(
  versions: ModelVersionRepository,
  db: Db,
  jobId: string,
  model: Parameters<ModelVersionRepository['create']>[0],
): Promise<ModelVersion> {
  for (let attempt = 0; ; attempt++) {
    const existing = await versions.findByTrainingJob(jobId);
    if (existing) return existing;
    try {
      return await withTransaction(db, (tx) => new ModelVersionRepository(tx).create(model));
    } catch (error) {
      // Another training took the same number at the same moment: take the next one.
      if (!isUniqueViolation(error) || attempt >= 5) throw error;
    }
  }
}
