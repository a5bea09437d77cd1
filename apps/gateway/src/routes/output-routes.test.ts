import { randomUUID } from 'node:crypto';
import { JobRepository, type JobType } from '@shelfwise/db';
import { startRun } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

describe('GET /v1/jobs/:id/output', () => {
  let services: TestServices;
  let gateway: TestGateway;
  let jobs: JobRepository;

  const job = (type: JobType = 'PREDICT_CSV') =>
    jobs.create({ id: randomUUID(), type, input: { input_file_s3: 's3://dataset/in.csv' } });

  const succeeded = async (
    outputUri: string,
    result: Record<string, string | number | null> = { rows: 1 },
  ) => {
    const row = await job();
    const run = await startRun(jobs, row.id);
    await jobs.markSucceeded(run, { outputUri, result });
    return row.id;
  };

  beforeAll(async () => {
    services = await createTestServices('output');
    gateway = await startGateway(services);
    jobs = new JobRepository(services.database.db);
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('streams the predictions of a SUCCEEDED predict job as a CSV attachment', async () => {
    const csv = 'product_description,predicted_category,confidence\nmilk,Fresh & Perishable Items,0.91\n';
    const uri = `s3://${services.s3.buckets.inference}/${randomUUID()}/predictions.csv`;
    await services.s3.store.upload(uri, csv);
    const id = await succeeded(uri);
    const response = await fetch(`${gateway.url}/v1/jobs/${id}/output`, { headers: bearer() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename=predictions-${id}.csv`);
    expect(await response.text()).toBe(csv);
  });

  it('answers 409 while the job runs, and for a training job', async () => {
    const running = await job();
    await startRun(jobs, running.id);
    const early = await call(`${gateway.url}/v1/jobs/${running.id}/output`, 'GET');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'RUNNING' } });
    const training = await job('TRAIN_CSV');
    const wrongType = await call(`${gateway.url}/v1/jobs/${training.id}/output`, 'GET');
    expect(wrongType.status).toBe(409);
    expect(wrongType.body.error.details).toEqual({ type: 'TRAIN_CSV' });
  });

  it('answers 404 for an unknown job and for an output object that is gone', async () => {
    const unknown = await call(`${gateway.url}/v1/jobs/${randomUUID()}/output`, 'GET');
    expect(unknown.status).toBe(404);
    const id = await succeeded(`s3://${services.s3.buckets.inference}/${randomUUID()}/predictions.csv`);
    const gone = await call(`${gateway.url}/v1/jobs/${id}/output`, 'GET');
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('NOT_FOUND');
  });

  it('streams the review and feedback files the job recorded, and says which one it did not write', async () => {
    const review = 'sku,product_description,HUMAN_VERIFIED_Category\n7,zq xv 7k,\n';
    const reviewUri = `s3://${services.s3.buckets.dataset}/review/${randomUUID()}.csv`;
    await services.s3.store.upload(reviewUri, review);
    const outputUri = `s3://${services.s3.buckets.inference}/${randomUUID()}/predictions.csv`;
    const id = await succeeded(outputUri, {
      rows: 1,
      feedback_uri: null,
      review_rows: 1,
      review_uri: reviewUri,
    });
    const response = await fetch(`${gateway.url}/v1/jobs/${id}/output/review`, { headers: bearer() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename=review-${id}.csv`);
    expect(await response.text()).toBe(review);
    const feedback = await call(`${gateway.url}/v1/jobs/${id}/output/feedback`, 'GET');
    expect(feedback.status).toBe(404);
    expect(feedback.body.error.message).toContain('no feedback file');
    const other = await call(`${gateway.url}/v1/jobs/${id}/output/model`, 'GET');
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.body.error)).toContain('file');
  });
});
