import { randomUUID } from 'node:crypto';
import { feedbackUri } from '@shelfwise/contracts';
import { FeedbackRepository } from '@shelfwise/db';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { useWorker } from '../../test/worker-services';

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
    const job = await file.services.producer.enqueue('retrain-check', { v: 1 }, randomUUID());
    return (await file.services.finished(job)) as { new_rows: number; job_id: string | null };
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
    expect(queued?.data).toMatchObject({
      jobId: id,
      sourceUri: `s3://${file.services.s3.buckets.dataset}/`,
      epochs: 1,
      includeFeedback: true,
    });
    const row = await file.services.settled(id ?? '', 60_000);
    expect(row).toMatchObject({ status: 'SUCCEEDED', type: 'RETRAIN_SCHEDULED' });
    expect(row.result).toMatchObject({ rows_by_source: { training: 300, feedback: MIN_ROWS + 10 } });
  });
});
