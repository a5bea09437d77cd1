import { exportModel, stratifiedSplit, train } from '@shelfwise/classifier';
import type { JobResult } from '@shelfwise/contracts';
import {
  type Db,
  isUniqueViolation,
  type ModelVersion,
  ModelVersionRepository,
  withTransaction,
} from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';
import { NoModelError } from '../errors/no-model-error';
import type { RecordedHandler } from '../job-handlers';
import type { ModelServer } from '../model/model-server';
import { modelMetrics } from './model-metrics';
import { type AutoPromote, decidePromotion } from './promotion-policy';
import { readTrainingData } from './read-training-data';

export interface TrainDependencies {
  db: Db;
  store: ObjectStore;
  models: ModelServer;
  modelsBucket: string;
  autoPromote: AutoPromote;
  /** Seeds the split and the trainer: the same data gives the same model. */
  seed: number;
}

const VALIDATION_FRACTION = 0.2;

/**
 * Reads the dataset, trains with per-epoch evaluation, stores the ONNX model and manifest under
 * s3://models/<version>/, records the version once (a retried job reuses its row) and promotes it
 * according to the policy.
 */
export function trainHandler(deps: TrainDependencies): RecordedHandler<'train'> {
  const versions = new ModelVersionRepository(deps.db);
  return {
    kind: 'recorded',
    run: async (payload, context) => {
      const data = await readTrainingData(deps.store, payload.sourceUri);
      context.logger.info(
        { rows: data.rowsRead, examples: data.examples.length, files: data.files.length },
        'dataset read',
      );
      await context.progress(0.05);
      const split = stratifiedSplit(data.examples, VALIDATION_FRACTION, deps.seed);
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
        },
      );
      const metrics = modelMetrics(trained);
      const row = await versionFor(versions, deps.db, context.jobId, {
        artifactUri: (version) => `s3://${deps.modelsBucket}/${version}/`,
        datasetUri: payload.sourceUri,
        datasetHash: data.datasetHash,
        labels: [...trained.labels],
        metrics,
        trainingJobId: context.jobId,
      });
      const { onnx, manifest } = exportModel(trained);
      await deps.store.upload(`${row.artifactUri}model.onnx`, onnx, 'application/octet-stream');
      await deps.store.upload(
        `${row.artifactUri}manifest.json`,
        JSON.stringify(manifest, null, 2),
        'application/json',
      );
      await versions.markReady(row.version, metrics);

      const candidateScore = payload.bestModelMetric === 'eval_f1' ? metrics.eval_f1 : metrics.eval_f1_min;
      const decision = await decideWithServing(
        deps,
        payload.bestModelMetric,
        candidateScore,
        split.validation,
      );
      if (decision.promote)
        await withTransaction(deps.db, (tx) => new ModelVersionRepository(tx).promote(row.version));
      context.logger.info(
        { modelVersion: row.version, promoted: decision.promote, reason: decision.reason },
        'model stored',
      );
      if (decision.promote) await deps.models.refresh();

      const result: JobResult<'train'> = {
        modelVersion: row.version,
        promoted: decision.promote,
        datasetHash: data.datasetHash,
        rows: data.examples.length,
        metrics: { ...metrics, promotion: decision.reason },
      };
      return { result, outputUri: row.artifactUri, modelVersionId: row.id };
    },
  };
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
