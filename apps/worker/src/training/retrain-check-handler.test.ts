import { randomUUID } from 'node:crypto';
import { feedbackUri, queuedJob } from '@shelfwise/contracts';
import { FeedbackRepository, JobRepository, ModelVersionRepository } from '@shelfwise/db';
import { createRedis, type RedisConnection } from '@shelfwise/infrastructure';
import { createLogger } from '@shelfwise/logger';
import { EnqueueFailedError, JobProducer, RecordedJobQueue } from '@shelfwise/queue';
import {
  createTestDatabase,
  labelledProducts,
  type TestDatabase,
  toCsv,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useWorker } from '../../test/worker-services';
import { retrainCheckHandler } from './retrain-check-handler';

// Real MySQL and Redis: the check records its training job and enqueues it the way a submission does.
describe('retrainCheckHandler', () => {
  let database: TestDatabase;
  let jobs: JobRepository;
  const connections: RedisConnection[] = [];
  const logger = createLogger({ name: 'retrain-check-test', level: 'silent' });

  const check = (connection: RedisConnection, prefix = uniquePrefix('retrain-check')) => {
    const producer = new JobProducer({ connection, prefix, attempts: 1, backoffMs: 0 });
    const handler = retrainCheckHandler({
      models: new ModelVersionRepository(database.db),
      feedback: new FeedbackRepository(database.db),
      queue: new RecordedJobQueue(jobs, producer),
      sourceUri: 's3://dataset/',
      minRows: 0,
      epochs: 3,
      logger,
    });
    return { producer, run: () => handler.run({ v: 1 }) };
  };
  const connect = () => {
    const connection = createRedis('redis://127.0.0.1:6379', 'client');
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    database = await createTestDatabase('retrain_check');
    jobs = new JobRepository(database.db);
  });

  afterAll(async () => {
    for (const connection of connections) connection.disconnect();
    await database.drop();
  });

  it('records a RETRAIN_SCHEDULED job and queues its training under the row id, payload from the row', async () => {
    const { producer, run } = check(connect());
    const result = await run();
    expect(result.job_id).toEqual(expect.any(String));
    const id = result.job_id as string;
    expect(await jobs.findById(id)).toMatchObject({ type: 'RETRAIN_SCHEDULED', status: 'QUEUED' });
    const queued = await producer.queue('training').getJob(id);
    expect(queued?.name).toBe('train');
    expect(queued?.data).toEqual({
      v: 1,
      jobId: id,
      sourceUri: 's3://dataset/',
      epochs: 3,
      bestModelMetric: 'eval_f1_min',
      includeFeedback: true,
    });
    // Fair share like a user's job: without a priority it would go before every client's training.
    expect(queued?.opts.priority).toBeGreaterThanOrEqual(1);
    await producer.close();
  });

  it('marks the row FAILED with ENQUEUE_FAILED when the queue refuses the job, as a submission does', async () => {
    const connection = connect();
    const { producer, run } = check(connection);
    // BullMQ reports the closed connection on each queue too: expected here.
    for (const queue of producer.allQueues()) queue.on('error', () => {});
    connection.disconnect();
    const failure = await run().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(EnqueueFailedError);
    const row = await jobs.findById((failure as EnqueueFailedError).jobId);
    expect(row).toMatchObject({ type: 'RETRAIN_SCHEDULED', status: 'FAILED', errorCode: 'ENQUEUE_FAILED' });
    expect(row?.errorMessage).toMatch(/^the queue refused the job: /);
    expect(row?.finishedAt).toBeInstanceOf(Date);
  });
});

const MIN_ROWS = 50;

// The worker as main.ts builds it (createWorker), in process, on real MySQL, Redis and S3.
describe('retrain-check through createWorker', () => {
  const file = useWorker('retrain_check', {
    WORKER_QUEUES: 'training',
    RETRAIN_MIN_ROWS: String(MIN_ROWS),
    RETRAIN_EPOCHS: '1',
  });
  let seed = 10;

  /** Human-verified rows a predict job captured: its feedback object and its batch row, as it leaves them. */
  const captureFeedback = async (rows: number) => {
    const jobId = randomUUID();
    await file.services.jobs.create({ id: jobId, type: 'PREDICT_CSV', input: {} });
    const uri = feedbackUri(file.services.s3.buckets.dataset, jobId);
    const products = labelledProducts(rows, seed++);
    await file.services.s3.store.upload(
      uri,
      toCsv(
        ['product_description', 'HUMAN_VERIFIED_Category'],
        products.map((product) => [product.text, product.label]),
      ),
    );
    await new FeedbackRepository(file.services.database.db).record({ jobId, s3Uri: uri, rows });
  };

  /** Runs the check as the retrain schedule fires it, and returns its result. */
  const check = async () => {
    return (await file.services.answer(queuedJob('retrain-check', {}))) as {
      new_rows: number;
      job_id: string | null;
    };
  };

  const scheduled = async () =>
    (await file.services.jobs.list({ type: 'RETRAIN_SCHEDULED', limit: 10 })).items.map((job) => job.id);

  beforeAll(async () => {
    // The base training file at the top of the dataset bucket, which scheduled retraining reads too.
    await file.services.s3.store.upload(
      `s3://${file.services.s3.buckets.dataset}/train.csv`,
      toCsv(
        ['product_description', 'Category'],
        labelledProducts(300, 4).map((product) => [product.text, product.label]),
      ),
    );
  });

  it('starts no training while fewer verified rows than RETRAIN_MIN_ROWS arrived', async () => {
    await captureFeedback(MIN_ROWS - 30);

    expect(await check()).toEqual({ new_rows: MIN_ROWS - 30, job_id: null });
    expect(await scheduled()).toEqual([]);
  });

  it('records and enqueues one training job once enough arrived, which then trains on that feedback', async () => {
    await captureFeedback(40);

    const result = await check();

    expect(result.new_rows).toBe(MIN_ROWS + 10);
    const id = result.job_id;
    expect(id).toEqual(expect.any(String));
    expect(await scheduled()).toEqual([id]);
    const queued = await file.services.producer.queue('training').getJob(id ?? '');
    expect(queued?.name).toBe('train');
    const row = await file.services.settled(id ?? '', 60_000);
    expect(row).toMatchObject({ status: 'SUCCEEDED', type: 'RETRAIN_SCHEDULED' });
    expect(row.result).toMatchObject({ rows_by_source: { training: 300, feedback: MIN_ROWS + 10 } });
  });
});
