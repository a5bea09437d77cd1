import { FeedbackRepository, JobRepository, ModelVersionRepository } from '@shelfwise/db';
import { createRedis, type RedisConnection } from '@shelfwise/infrastructure';
import { createLogger } from '@shelfwise/logger';
import { EnqueueFailedError, JobProducer, RecordedJobQueue } from '@shelfwise/queue';
import { createTestDatabase, type TestDatabase, uniquePrefix } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
