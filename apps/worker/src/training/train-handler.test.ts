import { modelFileUris } from '@shelfwise/contracts';
import { ModelVersionRepository } from '@shelfwise/db';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import { describe, expect, it } from 'vitest';
import { useWorker } from '../../test/worker-services';

// The worker as main.ts builds it (createWorker), in process, on real MySQL, Redis, S3 and onnxruntime.
describe('train through createWorker', () => {
  const file = useWorker('train', { WORKER_QUEUES: 'training' });

  it('trains on a labelled CSV and leaves a READY model version with its artifacts, serving', async () => {
    const products = labelledProducts(500, 3);
    const sourceUri = `s3://${file.services.s3.buckets.dataset}/train.csv`;
    await file.services.s3.store.upload(
      sourceUri,
      toCsv(
        ['product_description', 'Category'],
        products.map((product) => [product.text, product.label]),
      ),
    );

    const id = await file.services.submit('TRAIN_CSV', {
      train_file_s3: sourceUri,
      epoch_num: 2,
      best_model_metric: 'eval_f1',
    });
    const row = await file.services.settled(id, 60_000);

    expect(row).toMatchObject({ status: 'SUCCEEDED', errorCode: null });
    const result = row.result as { model_version: number; promoted: boolean; rows_by_source: object };
    expect(result.rows_by_source).toEqual({ training: 500, verified: 0, feedback: 0 });
    const version = await new ModelVersionRepository(file.services.database.db).findByVersion(
      result.model_version,
    );
    if (!version) throw new Error(`model version ${result.model_version} is not recorded`);
    expect(version).toMatchObject({ status: 'READY', trainingJobId: id, datasetUri: sourceUri });
    expect([...(version.labels as string[])].sort()).toEqual(
      [...new Set(products.map((product) => product.label))].sort(),
    );
    const artifacts = await file.services.s3.store.list(version.artifactUri);
    expect(artifacts.map((artifact) => artifact.uri).sort()).toEqual(
      Object.values(modelFileUris(version.artifactUri)).sort(),
    );
    expect(artifacts.every((artifact) => artifact.size > 0)).toBe(true);
    // The first model is promoted, and the worker serves it at once (loaded from those artifacts).
    expect(result.promoted).toBe(true);
    expect(file.worker.worker.models.servingVersion()).toBe(result.model_version);
  });
});
