import { randomUUID } from 'node:crypto';
import { QUEUES } from '@shelfwise/contracts';
import { JobRepository } from '@shelfwise/db';
import { createRedis } from '@shelfwise/infrastructure';
import { createLogger } from '@shelfwise/logger';
import { JobProducer } from '@shelfwise/queue';
import { createTestDatabase, type TestDatabase, uniquePrefix } from '@shelfwise/test-kit';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reconciler } from './reconciler';

// Real MySQL and Redis: the rows are written as the gateway writes them, the queue is BullMQ's.
describe('Reconciler', () => {
  let database: TestDatabase;
  let connection: Redis;
  let producer: JobProducer;
  let jobs: JobRepository;
  let prefix: string;
  const logger = createLogger({ name: 'reconciler-test', level: 'silent' });

  const reconciler = (minAgeMs = 0) =>
    new Reconciler({ jobs, producer, intervalMs: 60_000, minAgeMs, logger });

  const predictRow = async (status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' = 'QUEUED') => {
    const id = randomUUID();
    await jobs.create({ id, type: 'PREDICT_CSV', input: { input_file_s3: `s3://dataset/${id}.csv` } });
    if (status !== 'QUEUED') await jobs.markRunning(id, 1);
    if (status === 'SUCCEEDED') await jobs.markSucceeded(id, { result: {} });
    return id;
  };

  beforeAll(async () => {
    database = await createTestDatabase('reconciler');
    connection = createRedis('redis://127.0.0.1:6379', 'worker');
    prefix = uniquePrefix('reconciler');
    producer = new JobProducer({ connection, prefix, attempts: 1, backoffMs: 0 });
    jobs = new JobRepository(database.db);
  });

  afterAll(async () => {
    for (const queue of producer.allQueues()) await queue.obliterate({ force: true });
    await producer.close();
    connection.disconnect();
    await database.drop();
  });

  it('enqueues again, under the same id and with the same payload, each unfinished row Redis lost', async () => {
    const queued = await predictRow('QUEUED');
    const running = await predictRow('RUNNING');
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
    expect(await inference.getJobState(running)).toBe('waiting');
    expect(await inference.getJobState(done)).toBe('unknown');
    // The prefix gets its slash back exactly as the gateway's first enqueue gave it.
    expect((await producer.queue('training').getJob(feedbackId))?.data).toMatchObject({
      sourceUri: 's3://dataset/feedback/',
      epochs: 3,
      bestModelMetric: 'eval_f1_min',
    });
  });

  it('adds nothing the second time: the jobs are in Redis now', async () => {
    const before = await producer.queue('inference').getJobCounts('waiting');
    expect(await reconciler().reconcile()).toMatchObject({ enqueued: 0 });
    expect(await producer.queue('inference').getJobCounts('waiting')).toEqual(before);
  });

  it('leaves rows younger than minAgeMs to the gateway', async () => {
    const fresh = await predictRow('QUEUED');
    await reconciler(60_000).reconcile();
    expect(await producer.queue('inference').getJobState(fresh)).toBe('unknown');
  });

  it('fails a row whose job BullMQ gave up on without the row being told', async () => {
    await producer.queue('inference').drain();
    const id = await predictRow('RUNNING');
    await producer.enqueue('predict-csv', { v: 1, jobId: id, inputUri: 's3://dataset/x.csv' }, id);
    // A processor that fails the job without touching MySQL, like BullMQ's own "stalled too often".
    const workerConnection = createRedis('redis://127.0.0.1:6379', 'worker');
    const worker = new Worker(
      QUEUES.inference,
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
});
