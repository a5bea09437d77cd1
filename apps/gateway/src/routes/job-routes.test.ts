import { randomUUID } from 'node:crypto';
import { jobView } from '@shelfwise/contracts';
import { type Job, JobRepository, type JobType } from '@shelfwise/db';
import { startRun } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

describe('job status, listing and cancelling, over real MySQL and Redis', () => {
  let services: TestServices;
  let gateway: TestGateway;
  let jobs: JobRepository;
  let inputUri: string;
  const get = (path: string) => call(`${gateway.url}${path}`, 'GET');
  const post = (path: string, body?: unknown) => call(`${gateway.url}${path}`, 'POST', body);

  const newRow = (type: JobType = 'PREDICT_CSV'): Promise<Job> =>
    jobs.create({ id: randomUUID(), type, input: { input_file_s3: inputUri } });

  beforeAll(async () => {
    services = await createTestServices('jobs');
    gateway = await startGateway(services);
    jobs = new JobRepository(services.database.db);
    inputUri = `s3://${services.s3.buckets.inference}/in/products.csv`;
    await services.s3.store.upload(inputUri, 'product_description\nmilk\n');
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  describe('GET /v1/jobs/:id', () => {
    it('shows a queued job as submitted', async () => {
      const submitted = await post('/v1/predict/csv', { input_file_s3: inputUri });
      const answer = await get(`/v1/jobs/${submitted.body.job_id}`);
      expect(answer.status).toBe(200);
      expect(jobView.parse(answer.body)).toEqual({
        job_id: submitted.body.job_id,
        type: 'PREDICT_CSV',
        status: 'QUEUED',
        progress: 0,
        attempts: 0,
        input: { input_file_s3: inputUri },
        created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        started_at: null,
        finished_at: null,
        result: null,
        report: null,
        error: null,
      });
    });

    it('shows a finished job with its output, model version and figures', async () => {
      const job = await newRow();
      const run = await startRun(jobs, job.id);
      const result = { output_uri: 's3://inference/out.csv', rows: 3, model_version: 4, metrics: null };
      await jobs.markSucceeded(run, { outputUri: result.output_uri, result });
      const answer = await get(`/v1/jobs/${job.id}`);
      expect(answer.body).toMatchObject({
        status: 'SUCCEEDED',
        progress: 1,
        attempts: 1,
        started_at: expect.any(String),
        finished_at: expect.any(String),
        result: { output_uri: result.output_uri, model_version: 4, details: result },
        error: null,
      });
    });

    it('shows rows written with camelCase results (before snake_case) in snake_case', async () => {
      const predict = await newRow();
      const run = await startRun(jobs, predict.id);
      const outputUri = 's3://inference/old/predictions.csv';
      await jobs.markSucceeded(run, {
        outputUri,
        result: {
          outputUri,
          rows: 10,
          labelledRows: 4,
          feedbackUri: 's3://dataset/feedback/old.csv',
          modelVersion: 2,
          metrics: { weightedF1: 0.9, minF1: 0.5 },
        },
      });
      expect((await get(`/v1/jobs/${predict.id}`)).body.result).toEqual({
        output_uri: outputUri,
        model_version: 2,
        details: {
          output_uri: outputUri,
          rows: 10,
          labelled_rows: 4,
          feedback_uri: 's3://dataset/feedback/old.csv',
          model_version: 2,
          metrics: { weighted_f1: 0.9, min_f1: 0.5 },
        },
      });

      const train = await newRow('TRAIN_CSV');
      const trainRun = await startRun(jobs, train.id);
      // A training job's metrics were snake_case already, and per-class figures are keyed by label.
      const metrics = {
        eval_f1: 0.8,
        per_class_f1: { Beverages: 0.7, minF1: 0.1 },
        promotion: 'first model',
      };
      await jobs.markSucceeded(trainRun, {
        outputUri: 's3://models/3/',
        result: { modelVersion: 3, promoted: true, datasetHash: 'ab', rows: 50, metrics },
      });
      expect((await get(`/v1/jobs/${train.id}`)).body.result).toEqual({
        output_uri: 's3://models/3/',
        model_version: 3,
        details: { model_version: 3, promoted: true, dataset_hash: 'ab', rows: 50, metrics },
      });
    });

    it("shows a training job's epochs while it runs, and its promotion decision after", async () => {
      const job = await newRow('TRAIN_CSV');
      const run = await startRun(jobs, job.id);
      const epoch = { epoch: 1, epochs: 2, train_loss: 0.3, eval_f1: 0.91, eval_f1_min: 0.8 };
      await jobs.recordReport(run, { epochs: [epoch], promotion: null });
      expect((await get(`/v1/jobs/${job.id}`)).body).toMatchObject({
        status: 'RUNNING',
        report: { epochs: [epoch], promotion: null },
      });
      const promotion = {
        promoted: false,
        reason:
          'trained on data a client key submitted: never promoted automatically; an admin promotes by hand',
        comparison: null,
        decided_at: new Date().toISOString(),
      };
      await jobs.recordReport(run, { epochs: [epoch, { ...epoch, epoch: 2 }], promotion });
      await jobs.markSucceeded(run, { result: { model_version: 5, promoted: false } });
      const done = (await get(`/v1/jobs/${job.id}`)).body;
      expect(done.status).toBe('SUCCEEDED');
      expect(done.report.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
      expect(done.report.promotion).toEqual(promotion);
    });

    it('shows why a job failed', async () => {
      const job = await newRow();
      const run = await startRun(jobs, job.id);
      await jobs.markFailed(run, { code: 'INVALID_CSV', message: 'row 3: empty product_description' });
      const answer = await get(`/v1/jobs/${job.id}`);
      expect(answer.body).toMatchObject({
        status: 'FAILED',
        result: null,
        error: { code: 'INVALID_CSV', message: 'row 3: empty product_description' },
      });
    });

    it('answers 404 for an unknown id', async () => {
      const answer = await get(`/v1/jobs/${randomUUID()}`);
      expect(answer.status).toBe(404);
      expect(answer.body.error.code).toBe('NOT_FOUND');
    });
  });

  describe('GET /v1/jobs', () => {
    it('filters by type and status and pages with a cursor, newest first, no row twice', async () => {
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await newRow('TRAIN_FEEDBACK')).id);
      const running = await newRow('TRAIN_FEEDBACK');
      await startRun(jobs, running.id);

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `/v1/jobs?type=TRAIN_FEEDBACK&status=QUEUED&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const answer = await get(query);
        expect(answer.status).toBe(200);
        expect(answer.body.items.length).toBeLessThanOrEqual(2);
        for (const item of answer.body.items) {
          expect(jobView.parse(item)).toMatchObject({ type: 'TRAIN_FEEDBACK', status: 'QUEUED' });
          seen.push(item.job_id);
        }
        cursor = answer.body.next_cursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect([...seen].sort()).toEqual([...made].sort());

      const runningOnly = await get('/v1/jobs?type=TRAIN_FEEDBACK&status=RUNNING');
      expect(runningOnly.body).toEqual({
        items: [expect.objectContaining({ job_id: running.id })],
        next_cursor: null,
      });
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['status=DONE', 'status'],
      ['type=OTHER', 'type'],
      ['cursor=not-a-uuid', 'cursor'],
      ['sort=asc', 'sort'],
    ])('refuses ?%s naming %s', async (query, field) => {
      const answer = await get(`/v1/jobs?${query}`);
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toContainEqual({ path: field, message: expect.any(String) });
    });
  });

  describe('POST /v1/jobs/:id/cancel', () => {
    it('cancels a queued job and takes it off the queue', async () => {
      const submitted = await post('/v1/predict/csv', { input_file_s3: inputUri });
      const id: string = submitted.body.job_id;
      const inference = services.producer.queue('inference');
      expect(await inference.getJob(id)).toBeDefined();

      const answer = await post(`/v1/jobs/${id}/cancel`);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ job_id: id, status: 'CANCELLED', finished_at: expect.any(String) });
      expect((await jobs.findById(id))?.status).toBe('CANCELLED');
      expect(await inference.getJob(id)).toBeUndefined();
    });

    it('cancels a running job (its worker sees the row)', async () => {
      const job = await newRow();
      await startRun(jobs, job.id);
      const answer = await post(`/v1/jobs/${job.id}/cancel`);
      expect(answer.status).toBe(200);
      expect(answer.body.status).toBe('CANCELLED');
    });

    it('answers 409 for a job that already ended, and leaves it as it was', async () => {
      const job = await newRow();
      const run = await startRun(jobs, job.id);
      await jobs.markSucceeded(run, { result: { rows: 1 } });
      const answer = await post(`/v1/jobs/${job.id}/cancel`);
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'CONFLICT', details: { status: 'SUCCEEDED' } });
      expect((await jobs.findById(job.id))?.status).toBe('SUCCEEDED');

      const cancelledTwice = await newRow();
      await post(`/v1/jobs/${cancelledTwice.id}/cancel`);
      expect((await post(`/v1/jobs/${cancelledTwice.id}/cancel`)).status).toBe(409);
    });

    it('answers 404 for an unknown id', async () => {
      expect((await post(`/v1/jobs/${randomUUID()}/cancel`)).status).toBe(404);
    });
  });
});
