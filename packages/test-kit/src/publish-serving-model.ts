import { exportModel, type TrainedModel } from '@shelfwise/classifier';
import { type Db, ModelVersionRepository } from '@shelfwise/db';
import { ModelArtifactStore } from '@shelfwise/model-store';
import type { ObjectStore } from '@shelfwise/storage';

/**
 * Stores a model trained in-process and makes it the serving version, as a finished training job would:
 * tests and benchmarks about predictions need a model, not the time a training job costs.
 */
export async function publishServingModel(
  db: Db,
  store: ObjectStore,
  modelsBucket: string,
  trained: TrainedModel,
): Promise<number> {
  const artifacts = new ModelArtifactStore(store, modelsBucket);
  const versions = new ModelVersionRepository(db);
  const row = await versions.create({
    artifactUri: (version) => artifacts.locate(version),
    datasetUri: 'file:Training_Data.csv',
    datasetHash: trained.trainingDataHash.padEnd(64, '0').slice(0, 64),
    labels: [...trained.labels],
    metrics: { eval_f1: trained.metrics.f1 },
  });
  await artifacts.save(row.artifactUri, exportModel(trained));
  await versions.markReady(row.version, { eval_f1: trained.metrics.f1 });
  await versions.promote(row.version);
  return row.version;
}
