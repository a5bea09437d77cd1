import { randomUUID } from 'node:crypto';
import { partUri } from '@shelfwise/contracts';
import { JobRepository, ModelVersionRepository, PredictChunkRepository } from '@shelfwise/db';
import { createRedis, type RedisConnection } from '@shelfwise/infrastructure';
import { createLogger } from '@shelfwise/logger';
import { ModelArtifactStore } from '@shelfwise/model-store';
import { JobProducer } from '@shelfwise/queue';
import {
  createTestDatabase,
  createTestS3,
  startRun,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../test/until';
import { ChunkParts } from './inference/chunks/chunk-parts';
import { Reconciler } from './reconciler';

// Real MySQL and Redis: the rows are written as the gateway writes them, the queue is BullMQ's.
describe('Reconciler', () => {
  let database: TestDatabase;
  let connection: RedisConnection;
  let producer: JobProducer;
  let jobs: JobRepository;
  let models: ModelVersionRepository;
  let chunks: PredictChunkRepository;
  let s3: TestS3;
  let prefix: string;
  const logger = createLogger({ name: 'reconciler-test', level: 'silent' });

  const reconciler = (minAgeMs = 0, lossCheckMs = 60_000) =>
    new Reconciler({
      jobs,
      models,
      chunkParts: new ChunkParts(s3.store, chunks, s3.buckets.inference),
      artifacts: new ModelArtifactStore(s3.store, s3.buckets.models),
      store: s3.store,
      producer,
      intervalMs: 60_000,
      minAgeMs,
      lossCheckMs,
      logger,
    });

  /** RUNNING: held by a live run; EXPIRED: RUNNING, but its run stopped renewing the lease (its worker died). */
  const predictRow = async (status: 'QUEUED' | 'RUNNING' | 'EXPIRED' | 'SUCCEEDED' = 'QUEUED') => {
    const id = randomUUID();
    await jobs.create({ id, type: 'PREDICT_CSV', input: { input_file_s3: `s3://dataset/${id}.csv` } });
    if (status === 'QUEUED') return id;
    const run = await startRun(jobs, id, status === 'EXPIRED' ? 1 : 60_000);
    if (status === 'SUCCEEDED') await jobs.markSucceeded(run, { result: {} });
    return id;
  };

  beforeAll(async () => {
    database = await createTestDatabase('reconciler');
    s3 = await createTestS3();
    models = new ModelVersionRepository(database.db);
    chunks = new PredictChunkRepository(database.db);
    connection = createRedis('redis://127.0.0.1:6379', 'worker');
    prefix = uniquePrefix('reconciler');
    producer = new JobProducer({ connection, prefix, attempts: 1, backoffMs: 0 });
    jobs = new JobRepository(database.db);
  });

  afterAll(async () => {
    for (const queue of producer.allQueues()) await queue.obliterate({ force: true });
    await connection.del(`${prefix}:shelfwise:queue-marker`);
    await producer.close();
    connection.disconnect();
    await database.drop();
  });

  it('enqueues again, under the same id and with the same payload, each unowned row Redis lost', async () => {
    const queued = await predictRow('QUEUED');
    const held = await predictRow('RUNNING');
    const expired = await predictRow('EXPIRED');
    const done = await predictRow('SUCCEEDED');
    const feedbackId = randomUUID();
    await jobs.create({
      id: feedbackId,
      type: 'TRAIN_FEEDBACK',
      input: { train_dir_s3: 's3://dataset/feedback', epoch_num: 3, best_model_metric: 'eval_f1_min' },
    });

    const report = await reconciler().reconcile();

    expect(report).toMatchObject({ enqueued: 3, settled: 0 });
    const inference = producer.queue('inference');
    expect((await inference.getJob(queued))?.data).toEqual({
      v: 1,
      jobId: queued,
      inputUri: `s3://dataset/${queued}.csv`,
    });
    // A run that still renews its lease keeps the job: a copy in Redis would start a second run of it.
    expect(await inference.getJobState(held)).toBe('unknown');
    // A run whose lease ran out (its worker died) left the job to whoever claims it next.
    expect(await inference.getJobState(expired)).toBe('prioritized');
    expect(await inference.getJobState(done)).toBe('unknown');
    // The prefix gets its slash back exactly as the gateway's first enqueue gave it.
    expect((await producer.queue('training').getJob(feedbackId))?.data).toMatchObject({
      sourceUri: 's3://dataset/feedback/',
      epochs: 3,
      bestModelMetric: 'eval_f1_min',
    });
  });

  it("gives a job enqueued again its fair-share priority: its place in its owner's backlog", async () => {
    await producer.queue('inference').drain();
    const own = async (owner: string) => {
      const id = randomUUID();
      await jobs.create({
        id,
        type: 'PREDICT_CSV',
        input: { input_file_s3: 's3://dataset/x.csv' },
        apiKeyId: owner,
      });
      return id;
    };
    const flooder = `fl${randomUUID().slice(0, 8)}`;
    const other = `ot${randomUUID().slice(0, 8)}`;
    const flood = [];
    for (let i = 0; i < 3; i++) flood.push(await own(flooder));
    const small = await own(other);
    await reconciler().reconcile();
    const priorityOf = async (id: string) => (await producer.queue('inference').getJob(id))?.opts.priority;
    expect(await Promise.all(flood.map(priorityOf))).toEqual([1, 2, 3]);
    // Created last, but its owner's first: without a priority it would come after the whole flood.
    expect(await priorityOf(small)).toBe(1);
    // Ended, so later passes (whose timing other tests watch) have no extra rows to look at.
    for (const id of [...flood, small]) await jobs.markCancelled(id);
  });

  it('enqueues a pinned job with the ETag its submission recorded', async () => {
    const id = randomUUID();
    const uri = `s3://dataset/${id}.csv`;
    await jobs.create({
      id,
      type: 'PREDICT_CSV',
      input: { input_file_s3: uri },
      inputVersions: [{ uri, etag: '"0123abcd"' }],
    });
    await reconciler().reconcile();
    expect((await producer.queue('inference').getJob(id))?.data).toEqual({
      v: 1,
      jobId: id,
      inputUri: uri,
      inputEtag: '"0123abcd"',
    });
  });

  it('adds nothing the second time: the jobs are in Redis now', async () => {
    const before = await producer.queue('inference').getJobCounts('waiting', 'prioritized');
    expect(await reconciler().reconcile()).toMatchObject({ enqueued: 0 });
    expect(await producer.queue('inference').getJobCounts('waiting', 'prioritized')).toEqual(before);
  });

  it('leaves rows younger than minAgeMs to the gateway', async () => {
    const fresh = await predictRow('QUEUED');
    await reconciler(60_000).reconcile();
    expect(await producer.queue('inference').getJobState(fresh)).toBe('unknown');
  });

  it('fails a row whose job BullMQ gave up on without the row being told', async () => {
    await producer.queue('inference').drain();
    const id = await predictRow('EXPIRED');
    await producer.enqueue(
      { name: 'predict-csv', payload: { v: 1, jobId: id, inputUri: 's3://dataset/x.csv' } },
      id,
    );
    // A processor that fails the job without touching MySQL, like BullMQ's own "stalled too often".
    const workerConnection = createRedis('redis://127.0.0.1:6379', 'worker');
    const worker = new Worker(
      'inference',
      async () => {
        throw new UnrecoverableError('job stalled more than allowable limit');
      },
      { connection: workerConnection, prefix },
    );
    await new Promise((resolve) => worker.once('failed', resolve));
    await worker.close();
    workerConnection.disconnect();

    expect(await reconciler().reconcile()).toMatchObject({ settled: 1 });
    expect(await jobs.findById(id)).toMatchObject({
      status: 'FAILED',
      errorCode: 'INTERNAL',
      errorMessage: 'the queue gave up on the job: job stalled more than allowable limit',
    });
  });

  it('fails a row whose stored request can no longer make a payload', async () => {
    const id = randomUUID();
    // epoch_num and best_model_metric have defaults now: a wrong type is what no payload can come from.
    await jobs.create({
      id,
      type: 'TRAIN_CSV',
      input: { train_file_s3: 's3://dataset/t.csv', epoch_num: 'ten' },
    });
    await reconciler().reconcile();
    const row = await jobs.findById(id);
    expect(row).toMatchObject({ status: 'FAILED', errorCode: 'INVALID_REQUEST' });
    expect(row?.errorMessage).toContain('the stored request cannot be queued again');
  });

  it('reconciles at once when the marker key is gone, without waiting for the interval', async () => {
    const watching = reconciler(0, 100);
    const redis = createRedis('redis://127.0.0.1:6379', 'worker');
    const marker = `${prefix}:shelfwise:queue-marker`;
    try {
      watching.start(redis);
      await until(async () => (await redis.exists(marker)) === 1);
      const id = await predictRow('QUEUED');
      // What FLUSHALL does to this prefix (the shared Redis is never flushed): the marker goes with the data.
      await redis.del(marker);
      // The job back on its queue (prioritized: fair share) and the marker set again, in either order.
      await until(
        async () =>
          (await producer.queue('inference').getJobState(id)) === 'prioritized' &&
          (await redis.exists(marker)) === 1,
      );
    } finally {
      await watching.stop();
      redis.disconnect();
    }
  });

  it('cleans up the PENDING model version of a training job that failed, and keeps one awaiting a retry', async () => {
    const version = async (status: 'FAILED' | 'QUEUED') => {
      const id = randomUUID();
      await jobs.create({
        id,
        type: 'TRAIN_CSV',
        input: { train_file_s3: 's3://dataset/t.csv', epoch_num: 1, best_model_metric: 'eval_f1' },
      });
      const row = await models.create({
        artifactUri: (v) => `s3://${s3.buckets.models}/${v}/`,
        datasetUri: 's3://dataset/t.csv',
        datasetHash: 'a'.repeat(64),
        labels: ['A', 'B'],
        metrics: {},
        trainingJobId: id,
      });
      // The job got as far as one artifact before it stopped.
      await s3.store.upload(`${row.artifactUri}model.onnx`, 'partial');
      const run = await startRun(jobs, id);
      if (status === 'FAILED') await jobs.markFailed(run, { code: 'TRANSIENT', message: 'S3 reset' });
      else await jobs.markRetrying(run, { code: 'TRANSIENT', message: 'S3 reset' });
      return row;
    };
    const failed = await version('FAILED');
    const waiting = await version('QUEUED');

    expect(await reconciler().reconcile()).toMatchObject({ abandonedVersions: 1 });

    expect(await models.findByVersion(failed.version)).toMatchObject({ status: 'FAILED' });
    expect(await s3.store.list(failed.artifactUri)).toEqual([]);
    expect(await models.findByVersion(waiting.version)).toMatchObject({ status: 'PENDING' });
    expect(await s3.store.exists(`${waiting.artifactUri}model.onnx`)).toBe(true);
  });

  it('removes the parts and chunks of chunked jobs that ended, and leaves those of running ones', async () => {
    const chunked = async (status: 'RUNNING' | 'CANCELLED') => {
      const id = await predictRow('RUNNING');
      if (status === 'CANCELLED') await jobs.markCancelled(id);
      const slice = { startByte: 5, endByte: 9, firstRow: 1, rows: 2 };
      await chunks.plan(id, [
        { index: 0, ...slice },
        { index: 1, ...slice },
      ]);
      for (const index of [0, 1]) {
        await s3.store.upload(partUri(s3.buckets.inference, id, 'predictions', index), 'a,0.9\n');
      }
      return id;
    };
    const cancelled = await chunked('CANCELLED');
    const running = await chunked('RUNNING');

    expect(await reconciler().reconcile()).toMatchObject({ sweptChunkedJobs: 1 });

    expect(await s3.store.list(`s3://${s3.buckets.inference}/${cancelled}/`)).toEqual([]);
    expect(await chunks.list(cancelled)).toEqual([]);
    expect(await s3.store.list(`s3://${s3.buckets.inference}/${running}/`)).toHaveLength(2);
    expect(await chunks.list(running)).toHaveLength(2);
  });
});
