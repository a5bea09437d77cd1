import { loadModel, train } from '@shelfwise/classifier';
import { partUri } from '@shelfwise/contracts';
import { RecordBoundaries } from '@shelfwise/csv';
import { JobRepository, ModelVersionRepository, PredictChunkRepository } from '@shelfwise/db';
import { createLogger } from '@shelfwise/logger';
import { METRIC, Registry, WorkerMetrics } from '@shelfwise/metrics';
import { ModelArtifactStore } from '@shelfwise/model-store';
import {
  createTestDatabase,
  createTestS3,
  labelledProducts,
  startRun,
  type TestDatabase,
  type TestS3,
  toCsv,
} from '@shelfwise/test-kit';
import { publishServingModel } from '@shelfwise/test-kit/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelCache } from '../../model/model-cache';
import { ShadowModels } from '../../model/shadow-models';
import { predictChunkHandler } from './predict-chunk-handler';

// Real MySQL, S3 and onnxruntime, the handler in-process: two deliveries of one chunk at the same time.
describe('predictChunkHandler', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let registry: Registry;
  let handler: ReturnType<typeof predictChunkHandler>;
  let cache: ModelCache;
  let chunks: PredictChunkRepository;
  let jobs: JobRepository;
  const logger = createLogger({ name: 'chunk-test', level: 'silent' });

  beforeAll(async () => {
    database = await createTestDatabase('chunk_handler');
    s3 = await createTestS3();
    await publishServingModel(
      database.db,
      s3.store,
      s3.buckets.models,
      await train(labelledProducts(500, 2), { epochs: 1, seed: 42 }),
    );
    const models = new ModelVersionRepository(database.db);
    const artifacts = new ModelArtifactStore(s3.store, s3.buckets.models);
    registry = new Registry();
    const loading = { models, artifacts, load: loadModel, logger };
    chunks = new PredictChunkRepository(database.db);
    jobs = new JobRepository(database.db);
    cache = new ModelCache({ ...loading, metrics: new WorkerMetrics(registry) });
    handler = predictChunkHandler({
      store: s3.store,
      models: cache,
      shadows: new ShadowModels({ ...loading, maxVersions: 0 }),
      chunks,
      jobs,
      inferenceBucket: s3.buckets.inference,
      batchSize: 32,
      reviewConfidence: 0.9,
      logger,
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  const rowsPredicted = async () =>
    ((await registry.getSingleMetric(METRIC.rowsPredicted)?.get())?.values ?? []).reduce(
      (sum, sample) => sum + sample.value,
      0,
    );

  /** A RUNNING predict job over `rows` rows, pinned to the serving version, planned in chunks of 100. */
  const plannedJob = async (rows: number) => {
    const products = labelledProducts(rows, 5);
    const csv = toCsv(
      ['product_description', 'HUMAN_VERIFIED_Category'],
      products.map((product, i) => [product.text, i % 4 === 0 ? product.label : '']),
    );
    const id = crypto.randomUUID();
    const inputUri = `s3://${s3.buckets.dataset}/${id}.csv`;
    await s3.store.upload(inputUri, csv);
    const inputEtag = (await s3.store.head(inputUri))?.etag;
    await jobs.create({ id, type: 'PREDICT_CSV', input: { input_file_s3: inputUri } });
    const run = await startRun(jobs, id);
    const serving = await new ModelVersionRepository(database.db).findServing();
    await jobs.recordModelVersion(run, serving?.id ?? 0);
    const scanner = new RecordBoundaries(100);
    scanner.push(Buffer.from(csv));
    await chunks.plan(
      id,
      scanner.end().slices.map((slice, index) => ({
        index,
        startByte: slice.start,
        endByte: slice.end,
        firstRow: slice.firstRow,
        rows: slice.rows,
      })),
    );
    return {
      id,
      products,
      payload: (chunk: number) => ({ v: 1 as const, jobId: id, chunk, inputUri, inputEtag }),
    };
  };

  it('writes the same bytes when delivered twice at once, records the chunk once, and never redoes it', async () => {
    const { id, products, payload: of } = await plannedJob(300);
    const payload = of(1);

    // Two deliveries of chunk 1 at the same time: both predict it, both write its parts.
    const twice = await Promise.all([handler.run(payload), handler.run(payload)]);
    expect(twice).toEqual([{ rows: 100 }, { rows: 100 }]);
    expect(await rowsPredicted()).toBe(200);
    const recorded = (await chunks.find(id, 1))?.result as { parts: Record<string, string | null> };
    // The ETag recorded by whichever finished first is the object's now: the other wrote the same bytes.
    for (const kind of ['predictions', 'feedback'] as const) {
      const head = await s3.store.head(partUri(s3.buckets.inference, id, kind, 1));
      expect(head?.etag, kind).toBe(recorded.parts[kind]);
    }
    const part = (
      await s3.store.downloadBytes(partUri(s3.buckets.inference, id, 'predictions', 1))
    ).toString();
    // A chunk after the first has no header: its first line is row 101 of the file.
    expect(
      part.split('\n')[0]?.startsWith(products[100]?.text.includes(',') ? '"' : (products[100]?.text ?? '?')),
    ).toBe(true);
    expect(part.trimEnd().split('\n')).toHaveLength(100);

    // A third delivery, after it is done, predicts nothing and leaves the parts as they are.
    expect(await handler.run(payload)).toEqual({ rows: 0 });
    expect(await rowsPredicted()).toBe(200);
    expect((await s3.store.head(partUri(s3.buckets.inference, id, 'predictions', 1)))?.etag).toBe(
      recorded.parts.predictions,
    );
  });

  it('predicts with the version the job was planned with, after another was promoted', async () => {
    const { id, payload } = await plannedJob(200);
    const pinned = await new ModelVersionRepository(database.db).findServing();
    const newer = await publishServingModel(
      database.db,
      s3.store,
      s3.buckets.models,
      await train(labelledProducts(400, 3), { epochs: 1, seed: 7 }),
    );
    // This worker serves the newer version now; the job's chunks must not.
    await cache.refresh();
    expect(cache.servingVersion()).toBe(newer);
    expect(await Promise.all([handler.run(payload(0)), handler.run(payload(1))])).toEqual([
      { rows: 100 },
      { rows: 100 },
    ]);
    for (const chunk of [0, 1]) {
      const result = (await chunks.find(id, chunk))?.result as { model: { version: number } };
      expect(result.model.version).toBe(pinned?.version);
    }
  });
});
