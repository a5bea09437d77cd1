import { randomUUID } from 'node:crypto';
import { JOBS, type JobName } from '@shelfwise/contracts';
import { JobRepository } from '@shelfwise/db';
import { freePort } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import {
  createTestServices,
  silentServer,
  type TestServices,
  unreachableProducer,
} from '../../test/test-services';

describe('job submission endpoints, over real MySQL, Redis and S3', () => {
  let services: TestServices;
  let gateway: TestGateway;
  let jobs: JobRepository;
  let uris: { input: string; train: string; feedbackDir: string; emptyDir: string; missing: string };
  const post = (path: string, body: unknown, headers?: Record<string, string>) =>
    call(`${gateway.url}${path}`, 'POST', body, headers);
  const rowCount = () => services.database.db.job.count();

  beforeAll(async () => {
    services = await createTestServices('submit');
    gateway = await startGateway(services);
    jobs = new JobRepository(services.database.db);
    const { dataset, inference } = services.s3.buckets;
    uris = {
      input: `s3://${inference}/in/products.csv`,
      train: `s3://${dataset}/train/train.csv`,
      feedbackDir: `s3://${dataset}/feedback`,
      emptyDir: `s3://${dataset}/nothing-here`,
      missing: `s3://${dataset}/train/missing.csv`,
    };
    await services.s3.store.upload(uris.input, 'product_description\nmilk\n');
    await services.s3.store.upload(uris.train, 'product_description,Category\nmilk,Beverages\n');
    await services.s3.store.upload(`${uris.feedbackDir}/job-1.csv`, 'product_description,Category\n');
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  const trainBody = () => ({ train_file_s3: uris.train, epoch_num: 5, best_model_metric: 'eval_f1' });

  describe('accepts a job: row QUEUED in MySQL, then a BullMQ job with the row id', () => {
    const cases: { path: string; type: string; name: JobName; body: () => object }[] = [
      {
        path: '/v1/predict/csv',
        type: 'PREDICT_CSV',
        name: 'predict-csv',
        body: () => ({ input_file_s3: uris.input }),
      },
      { path: '/v1/train/csv', type: 'TRAIN_CSV', name: 'train', body: trainBody },
      {
        path: '/v1/train/human_feedback',
        type: 'TRAIN_FEEDBACK',
        name: 'train',
        body: () => ({ train_dir_s3: uris.feedbackDir, epoch_num: 3, best_model_metric: 'eval_f1_min' }),
      },
    ];

    it.each(cases)('$path', async ({ path, type, name, body }) => {
      const answer = await post(path, body());
      expect(answer.status).toBe(202);
      expect(answer.body).toEqual({ job_id: expect.any(String), status: 'QUEUED' });
      const id: string = answer.body.job_id;
      expect(answer.headers.get('location')).toBe(`/v1/jobs/${id}`);

      const row = await jobs.findById(id);
      expect(row).toMatchObject({ id, type, status: 'QUEUED', input: body() });

      const queued = await services.producer.queue(JOBS[name].queue).getJob(id);
      expect(queued?.name).toBe(name);
      const payload = JOBS[name].payload.parse(queued?.data);
      expect(payload).toMatchObject({ v: 1, jobId: id });
    });

    it('maps the request fields onto the training payload, the folder as a prefix, captured feedback included', async () => {
      const answer = await post('/v1/train/human_feedback', {
        train_dir_s3: uris.feedbackDir,
        epoch_num: 7,
        best_model_metric: 'eval_f1_min',
      });
      const queued = await services.producer.queue('training').getJob(answer.body.job_id);
      expect(queued?.data).toEqual({
        v: 1,
        jobId: answer.body.job_id,
        sourceUri: `${uris.feedbackDir}/`,
        epochs: 7,
        bestModelMetric: 'eval_f1_min',
        includeFeedback: true,
      });
    });

    it('applies the documented defaults to a training request that leaves them out: 10 epochs, eval_f1_min', async () => {
      for (const [path, body] of [
        ['/v1/train/csv', { train_file_s3: uris.train }],
        ['/v1/train/human_feedback', { train_dir_s3: uris.feedbackDir }],
      ] as const) {
        const answer = await post(path, body);
        expect(answer.status, JSON.stringify(answer.body)).toBe(202);
        const queued = await services.producer.queue('training').getJob(answer.body.job_id);
        expect(queued?.data).toMatchObject({ epochs: 10, bestModelMetric: 'eval_f1_min' });
        // The stored input is the request as it was run, so the job view shows the defaults too.
        expect((await jobs.findById(answer.body.job_id))?.input).toEqual({
          ...body,
          epoch_num: 10,
          best_model_metric: 'eval_f1_min',
        });
      }
    });
  });

  it('pins a single input object to its ETag at submission, on the row and in the payload', async () => {
    const etag = (await services.s3.store.head(uris.input))?.etag;
    expect(etag).toBeTruthy();
    const answer = await post('/v1/predict/csv', { input_file_s3: uris.input });
    const id: string = answer.body.job_id;
    expect((await jobs.findById(id))?.inputVersions).toEqual([{ uri: uris.input, etag }]);
    expect((await services.producer.queue('inference').getJob(id))?.data).toEqual({
      v: 1,
      jobId: id,
      inputUri: uris.input,
      inputEtag: etag,
    });
  });

  describe('refuses a bad request with the field and the problem, and records nothing', () => {
    const cases: {
      name: string;
      path: string;
      body: () => unknown;
      status: number;
      code: string;
      field?: string;
      says: string;
    }[] = [
      {
        name: 'malformed JSON',
        path: '/v1/predict/csv',
        body: () => '{"input_file_s3": ',
        status: 400,
        code: 'INVALID_REQUEST',
        says: 'JSON',
      },
      {
        name: 'no body',
        path: '/v1/predict/csv',
        body: () => undefined,
        status: 400,
        code: 'INVALID_REQUEST',
        field: '(body)',
        says: 'expected object',
      },
      {
        name: 'a wrong type',
        path: '/v1/predict/csv',
        body: () => ({ input_file_s3: 42 }),
        status: 400,
        code: 'INVALID_REQUEST',
        field: 'input_file_s3',
        says: 'input_file_s3',
      },
      {
        name: 'an unknown field',
        path: '/v1/predict/csv',
        body: () => ({ input_file_s3: uris.input, priority: 'high' }),
        status: 400,
        code: 'INVALID_REQUEST',
        field: 'priority',
        says: 'unknown field',
      },
      {
        name: 'epoch_num 0',
        path: '/v1/train/csv',
        body: () => ({ ...trainBody(), epoch_num: 0 }),
        status: 400,
        code: 'INVALID_REQUEST',
        field: 'epoch_num',
        says: 'epoch_num',
      },
      {
        name: 'epoch_num 10^9',
        path: '/v1/train/csv',
        body: () => ({ ...trainBody(), epoch_num: 1e9 }),
        status: 400,
        code: 'INVALID_REQUEST',
        field: 'epoch_num',
        says: 'epoch_num',
      },
      {
        name: 'an unknown best_model_metric',
        path: '/v1/train/human_feedback',
        body: () => ({ train_dir_s3: uris.feedbackDir, epoch_num: 2, best_model_metric: 'accuracy' }),
        status: 400,
        code: 'INVALID_REQUEST',
        field: 'best_model_metric',
        says: 'best_model_metric',
      },
      {
        name: 'a URI outside the allowed buckets',
        path: '/v1/predict/csv',
        body: () => ({ input_file_s3: 's3://somebody-elses-bucket/data.csv' }),
        status: 400,
        code: 'INVALID_REQUEST',
        field: 'input_file_s3',
        says: 'somebody-elses-bucket',
      },
      {
        name: 'a missing object',
        path: '/v1/train/csv',
        body: () => ({ ...trainBody(), train_file_s3: uris.missing }),
        status: 404,
        code: 'NOT_FOUND',
        field: 'train_file_s3',
        says: 'no object at',
      },
      {
        name: 'an empty prefix',
        path: '/v1/train/human_feedback',
        body: () => ({ train_dir_s3: uris.emptyDir, epoch_num: 2, best_model_metric: 'eval_f1' }),
        status: 404,
        code: 'NOT_FOUND',
        field: 'train_dir_s3',
        says: 'no object under the prefix',
      },
    ];

    it.each(cases)('$name → $status', async ({ path, body, status, code, field, says }) => {
      const before = await rowCount();
      const answer = await post(path, body());
      expect(answer.status).toBe(status);
      expect(answer.body.error).toMatchObject({ code });
      expect(answer.body.error.message).toContain(says);
      if (field)
        expect(answer.body.error.details).toContainEqual({ path: field, message: expect.any(String) });
      expect(await rowCount()).toBe(before);
    });

    it('refuses an Idempotency-Key that is too long', async () => {
      const answer = await post('/v1/train/csv', trainBody(), { 'Idempotency-Key': 'k'.repeat(256) });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toEqual([{ path: 'Idempotency-Key', message: expect.any(String) }]);
    });
  });

  describe('Idempotency-Key', () => {
    it('answers a repeat with the same job: one row, one queued job', async () => {
      const key = randomUUID();
      const training = services.producer.queue('training');
      // Fair-shared jobs carry a priority: they wait in the prioritized set, not the wait list.
      const queued = async () =>
        Object.values(await training.getJobCounts('wait', 'prioritized')).reduce((a, b) => a + b, 0);
      const [rowsBefore, queuedBefore] = [await rowCount(), await queued()];
      const first = await post('/v1/train/csv', trainBody(), { 'Idempotency-Key': key });
      // Same body with its fields in another order: the same request.
      const { best_model_metric, epoch_num, train_file_s3 } = trainBody();
      const again = await post(
        '/v1/train/csv',
        { best_model_metric, epoch_num, train_file_s3 },
        { 'Idempotency-Key': key },
      );
      expect(first.status).toBe(202);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers.get('location')).toBe(`/v1/jobs/${first.body.job_id}`);
      expect(await rowCount()).toBe(rowsBefore + 1);
      expect(await queued()).toBe(queuedBefore + 1);
    });

    it('refuses the same key with another body: 409', async () => {
      const key = randomUUID();
      expect((await post('/v1/train/csv', trainBody(), { 'Idempotency-Key': key })).status).toBe(202);
      const other = await post('/v1/train/csv', { ...trainBody(), epoch_num: 6 }, { 'Idempotency-Key': key });
      expect(other.status).toBe(409);
      expect(other.body.error).toMatchObject({ code: 'CONFLICT' });
      expect(other.body.error.message).toContain('Idempotency-Key');
    });

    it('refuses the same key and body on another endpoint: 409', async () => {
      const key = randomUUID();
      const body = { train_dir_s3: uris.feedbackDir, epoch_num: 2, best_model_metric: 'eval_f1' };
      expect((await post('/v1/train/human_feedback', body, { 'Idempotency-Key': key })).status).toBe(202);
      const other = await post('/v1/predict/csv', { input_file_s3: uris.input }, { 'Idempotency-Key': key });
      expect(other.status).toBe(409);
    });

    it('makes one job when concurrent requests race with the same key', async () => {
      const key = randomUUID();
      const before = await rowCount();
      const answers = await Promise.all(
        Array.from({ length: 6 }, () =>
          post('/v1/predict/csv', { input_file_s3: uris.input }, { 'Idempotency-Key': key }),
        ),
      );
      const ids = new Set(answers.map((a) => a.body.job_id));
      expect(ids.size).toBe(1);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 202]);
      expect(await rowCount()).toBe(before + 1);
    });
  });

  describe('when Redis refuses the job', () => {
    it('marks the row FAILED with ENQUEUE_FAILED and answers 503; a retry with the key makes a new job', async () => {
      const dead = unreachableProducer(await freePort(), services.prefix);
      const broken = await startGateway(services, { producer: dead.producer });
      try {
        const key = randomUUID();
        const answer = await call(
          `${broken.url}/v1/predict/csv`,
          'POST',
          { input_file_s3: uris.input },
          { 'Idempotency-Key': key },
        );
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('5');
        expect(answer.body.error).toMatchObject({
          code: 'ENQUEUE_FAILED',
          details: { job_id: expect.any(String) },
        });
        const row = await jobs.findById(answer.body.error.details.job_id);
        expect(row).toMatchObject({ status: 'FAILED', errorCode: 'ENQUEUE_FAILED' });
        expect(row?.finishedAt).toBeInstanceOf(Date);

        const retry = await post(
          '/v1/predict/csv',
          { input_file_s3: uris.input },
          { 'Idempotency-Key': key },
        );
        expect(retry.status).toBe(202);
        expect(retry.body.job_id).not.toBe(row?.id);
      } finally {
        await broken.close();
        await dead.producer.close();
        dead.close();
      }
    });

    it('answers 503 within the enqueue deadline when Redis accepts the connection but never answers', async () => {
      const hung = await silentServer();
      const silent = unreachableProducer(hung.port, services.prefix);
      const broken = await startGateway(services, { producer: silent.producer, enqueueTimeoutMs: 300 });
      try {
        const started = Date.now();
        const answer = await call(`${broken.url}/v1/train/csv`, 'POST', trainBody());
        expect(answer.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(3_000);
        const row = await jobs.findById(answer.body.error.details.job_id);
        expect(row).toMatchObject({ status: 'FAILED', errorCode: 'ENQUEUE_FAILED' });
      } finally {
        await broken.close();
        silent.close();
        hung.server.close();
      }
    });
  });
});
