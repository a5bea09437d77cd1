import { randomUUID } from 'node:crypto';
import {
  ApiKeyRepository,
  generateApiKey,
  InputGrantRepository,
  JobRepository,
  ModelVersionRepository,
  MonitoringRepository,
} from '@shelfwise/db';
import { startRun } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRoutes } from '../../test/list-routes';
import { type Answer, bearer, call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

// Routes that answer without a key and show no tenant's data: probes, metrics, the API description, the console.
const OPEN = ['GET /healthz', 'GET /readyz', 'GET /metrics', 'GET /openapi.json'];

/**
 * Two client keys, A and B, over every route: B never sees, reads or names anything of A's (jobs, uploads,
 * outputs, monitoring points), and neither names the system's prefixes as an input.
 */
describe('tenancy: two client keys on every route', () => {
  let services: TestServices;
  let gateway: TestGateway;
  let keys: ApiKeyRepository;
  let jobs: JobRepository;
  let a: { id: string; key: string };
  let b: { id: string; key: string };
  /** A's uploads, A's finished predict job and its output. */
  let upload: string;
  let trainFile: string;
  let jobA: string;
  let outputA: string;
  let dataset: string;

  const stored = async (role: 'CLIENT' | 'ADMIN') => {
    const made = generateApiKey();
    await keys.create({ id: made.id, name: `tenancy ${role}`, role, hash: made.hash });
    return made;
  };
  const as = (who: { key: string }, method: string, path: string, body?: unknown) =>
    call(`${gateway.url}${path}`, method, body, bearer(who.key));
  const uploadAs = async (who: { key: string }, name: string, csv: string) => {
    const answer = await call(`${gateway.url}/v1/uploads?name=${name}`, 'POST', csv, {
      ...bearer(who.key),
      'content-type': 'text/csv',
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.uri as string;
  };
  const expectRefused = (answer: Answer, field: string) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(403);
    expect(answer.body.error.code).toBe('FORBIDDEN');
    expect(answer.body.error.message).toMatch(new RegExp(`^${field}: a client key may read only its own`));
    expect(answer.body.error.details).toEqual([{ path: field, message: expect.any(String) }]);
  };
  const jobIds = async (who: { key: string }) =>
    ((await as(who, 'GET', '/v1/jobs')).body.items as { job_id: string }[]).map((job) => job.job_id);

  beforeAll(async () => {
    services = await createTestServices('tenancy');
    gateway = await startGateway(services);
    const { db } = services.database;
    keys = new ApiKeyRepository(db);
    jobs = new JobRepository(db);
    dataset = services.s3.buckets.dataset;
    [a, b] = [await stored('CLIENT'), await stored('CLIENT')];

    upload = await uploadAs(a, 'products.csv', 'product_description\nmilk\n');
    trainFile = await uploadAs(a, 'train/Training_Data.csv', 'product_description,Category\ntea,Beverages\n');
    const submitted = await as(a, 'POST', '/v1/predict/csv', { input_file_s3: upload });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    jobA = submitted.body.job_id;
    // A's job as a worker ends it: its predictions (human labels included) in the inference bucket.
    outputA = `s3://${services.s3.buckets.inference}/${jobA}/predictions.csv`;
    await services.s3.store.upload(outputA, 'product_description,predicted,verified\nmilk,Dairy,Dairy\n');
    await jobs.markSucceeded(await startRun(jobs, jobA), { outputUri: outputA, result: { rows: 1 } });
    // The model version A's training job made, on A's file.
    const training = await jobs.create({
      id: randomUUID(),
      type: 'TRAIN_CSV',
      input: { train_file_s3: trainFile },
      apiKeyId: a.id,
    });
    const model = await new ModelVersionRepository(db).create({
      artifactUri: (v) => `s3://models/${v}/`,
      trainingJobId: training.id,
      datasetUri: trainFile,
      datasetHash: 'a'.repeat(64),
      labels: ['Dairy'],
      metrics: {},
    });
    await new MonitoringRepository(db).record({
      jobId: jobA,
      modelVersionId: model.id,
      weightedF1: 0.9,
      minF1: 0.8,
      perClassF1: { Dairy: 0.9 },
      rows: 1,
      labelledRows: 1,
      seenRows: 0,
      latencyPerRowMs: 0.3,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  const checks: Record<string, () => Promise<void>> = {
    'POST /v1/uploads': async () => {
      expect(upload).toMatch(
        new RegExp(`^s3://${dataset}/clients/${a.id}/uploads/[0-9a-f-]{36}-products\\.csv$`),
      );
      // A key path is kept, inside the client's namespace: B's file of the same name never replaces A's.
      expect(trainFile).toBe(`s3://${dataset}/clients/${a.id}/train/Training_Data.csv`);
      const bFile = await uploadAs(b, 'train/Training_Data.csv', 'product_description,Category\nx,Y\n');
      expect(bFile).toBe(`s3://${dataset}/clients/${b.id}/train/Training_Data.csv`);
      expect((await services.s3.store.downloadBytes(trainFile)).toString().trim()).toMatch(/tea,Beverages$/);
      const outside = await call(`${gateway.url}/v1/uploads?name=../${a.id}/x.csv`, 'POST', 'a\n', {
        ...bearer(b.key),
        'content-type': 'text/csv',
      });
      expect(outside.status).toBe(400);
    },
    'POST /v1/predict/csv': async () => {
      // The attack: B names A's predictions (or A's upload) and would download them as its own output.
      for (const input of [outputA, upload]) {
        expectRefused(await as(b, 'POST', '/v1/predict/csv', { input_file_s3: input }), 'input_file_s3');
      }
      // System prefixes are no client's input, whether the object exists or not.
      await services.s3.store.upload(`s3://${dataset}/feedback/${jobA}.csv`, 'product_description\nmilk\n');
      for (const input of [
        `s3://${dataset}/feedback/${jobA}.csv`,
        `s3://${dataset}/review/${jobA}.csv`,
        `s3://${services.s3.buckets.models}/1/manifest.json`,
      ]) {
        expectRefused(await as(b, 'POST', '/v1/predict/csv', { input_file_s3: input }), 'input_file_s3');
      }
      const climbing = `s3://${dataset}/clients/${b.id}/../${a.id}/uploads/x.csv`;
      expect((await as(b, 'POST', '/v1/predict/csv', { input_file_s3: climbing })).status).toBe(400);
      // A reads back its own job's output, and B its own uploads.
      expect((await as(a, 'POST', '/v1/predict/csv', { input_file_s3: outputA })).status).toBe(202);
      const own = await uploadAs(b, 'mine.csv', 'product_description\ntea\n');
      expect((await as(b, 'POST', '/v1/predict/csv', { input_file_s3: own })).status).toBe(202);
    },
    'POST /v1/predict/csv (granted prefixes)': async () => {
      const shared = `s3://${dataset}/shared/`;
      await services.s3.store.upload(`${shared}products.csv`, 'product_description\nmilk\n');
      const grants = new InputGrantRepository(services.database.db);
      await grants.grant(b.id, shared);
      // A grant wider than `pnpm apikey grant` accepts (the whole bucket) still opens no system prefix.
      await grants.grant(b.id, `s3://${dataset}/`);
      const input = { input_file_s3: `${shared}products.csv` };
      expect((await as(b, 'POST', '/v1/predict/csv', input)).status).toBe(202);
      expectRefused(await as(a, 'POST', '/v1/predict/csv', input), 'input_file_s3');
      const feedback = { input_file_s3: `s3://${dataset}/feedback/${jobA}.csv` };
      expectRefused(await as(b, 'POST', '/v1/predict/csv', feedback), 'input_file_s3');
      expect(await grants.revoke(b.id, `s3://${dataset}/`)).toBe(true);
      expect(await grants.revoke(b.id, shared)).toBe(true);
      expectRefused(await as(b, 'POST', '/v1/predict/csv', input), 'input_file_s3');
    },
    'POST /v1/train/csv': async () => {
      const body = { train_file_s3: trainFile, epoch_num: 1, best_model_metric: 'eval_f1' };
      expectRefused(await as(b, 'POST', '/v1/train/csv', body), 'train_file_s3');
      expect((await as(a, 'POST', '/v1/train/csv', body)).status).toBe(202);
    },
    'POST /v1/train/human_feedback': async () => {
      for (const dir of [`s3://${dataset}/feedback/`, `s3://${dataset}/clients/${a.id}/train/`]) {
        const answer = await as(b, 'POST', '/v1/train/human_feedback', { train_dir_s3: dir, epoch_num: 1 });
        expectRefused(answer, 'train_dir_s3');
      }
      const own = { train_dir_s3: `s3://${dataset}/clients/${a.id}/train/`, epoch_num: 1 };
      expect((await as(a, 'POST', '/v1/train/human_feedback', own)).status).toBe(202);
    },
    'GET /v1/jobs': async () => {
      expect(await jobIds(a)).toContain(jobA);
      expect(await jobIds(b)).not.toContain(jobA);
      const filtered = await as(b, 'GET', '/v1/jobs?status=SUCCEEDED');
      expect(filtered.body.items).toEqual([]);
    },
    'GET /v1/jobs/:id': async () => {
      expect((await as(a, 'GET', `/v1/jobs/${jobA}`)).status).toBe(200);
      // The very answer a job that does not exist gets: B learns nothing about A's ids.
      const foreign = await as(b, 'GET', `/v1/jobs/${jobA}`);
      const missing = await as(b, 'GET', `/v1/jobs/${randomUUID()}`);
      expect([foreign.status, missing.status]).toEqual([404, 404]);
      expect(foreign.body.error.code).toBe('NOT_FOUND');
    },
    'POST /v1/jobs/:id/cancel': async () => {
      const queued = (await as(a, 'POST', '/v1/predict/csv', { input_file_s3: upload })).body.job_id;
      expect((await as(b, 'POST', `/v1/jobs/${queued}/cancel`)).status).toBe(404);
      expect((await jobs.findById(queued))?.status).toBe('QUEUED');
      expect((await as(a, 'POST', `/v1/jobs/${queued}/cancel`)).body.status).toBe('CANCELLED');
    },
    'GET /v1/jobs/:id/output': async () => {
      const own = await as(a, 'GET', `/v1/jobs/${jobA}/output`);
      expect(own.status).toBe(200);
      expect(own.body).toContain('milk,Dairy,Dairy');
      expect((await as(b, 'GET', `/v1/jobs/${jobA}/output`)).status).toBe(404);
    },
    'GET /v1/jobs/:id/output/:file': async () => {
      expect((await as(a, 'GET', `/v1/jobs/${jobA}/output/predictions`)).status).toBe(200);
      for (const file of ['predictions', 'feedback', 'review'])
        expect((await as(b, 'GET', `/v1/jobs/${jobA}/output/${file}`)).status).toBe(404);
    },
    'GET /v1/monitoring': async () => {
      const points = async (who: { key: string }) =>
        ((await as(who, 'GET', '/v1/monitoring')).body.items as { job_id: string }[]).map((p) => p.job_id);
      expect(await points(a)).toEqual([jobA]);
      expect(await points(b)).toEqual([]);
      expect(await points({ key: (await stored('ADMIN')).key })).toEqual([jobA]);
    },
    // The model registry is shared (every client predicts with the same serving model), but what a version
    // was trained on is its trainer's: B sees neither A's file nor A's training job.
    'GET /v1/models': async () => {
      const [ofA] = (await as(a, 'GET', '/v1/models')).body.items;
      expect(ofA).toMatchObject({ version: 1, dataset_uri: trainFile, training_job_id: expect.any(String) });
      const [ofB] = (await as(b, 'GET', '/v1/models')).body.items;
      expect(ofB).toMatchObject({ version: 1, dataset_uri: null, training_job_id: null });
    },
    'GET /v1/models/:version': async () => {
      expect((await as(a, 'GET', '/v1/models/1')).body.dataset_uri).toBe(trainFile);
      expect((await as(b, 'GET', '/v1/models/1')).body).toMatchObject({
        dataset_uri: null,
        training_job_id: null,
      });
    },
    'POST /v1/models/:version/promote': async () => {
      for (const who of [a, b]) expect((await as(who, 'POST', '/v1/models/1/promote')).status).toBe(403);
    },
    // Online predictions take texts in the body and name no stored object; a bad body is refused for both.
    'POST /v1/predict': async () => {
      for (const who of [a, b]) {
        expect((await as(who, 'POST', '/v1/predict', { texts: [], input_file_s3: outputA })).status).toBe(
          400,
        );
      }
    },
  };

  it('has a check for every route that needs a key', () => {
    const keyed = listRoutes(gateway.gateway).routes.filter((route) => !OPEN.includes(route));
    const statics = keyed.filter((route) => !route.startsWith('GET /v1') && !route.startsWith('POST /v1'));
    const covered = [...new Set(Object.keys(checks).map((name) => name.replace(/ \(.*\)$/, '')))];
    expect(covered.sort()).toEqual(keyed.filter((route) => !statics.includes(route)));
    // What is left is the console and the docs: static files, no data of anyone's.
    for (const route of statics) expect(route).toMatch(/^GET \/(docs|console|$)/);
  });

  it.each(Object.keys(checks))('%s', async (route) => {
    await checks[route]?.();
  });
});

describe('Idempotency-Key is scoped per API key', () => {
  let services: TestServices;
  let gateway: TestGateway;

  beforeAll(async () => {
    services = await createTestServices('idempotency_scope');
    gateway = await startGateway(services);
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('gives another key sending the same key and body a job of its own; each key replays its own', async () => {
    const keys = new ApiKeyRepository(services.database.db);
    const admin = generateApiKey();
    await keys.create({ id: admin.id, name: 'second admin', role: 'ADMIN', hash: admin.hash });
    const input = `s3://${services.s3.buckets.dataset}/shared.csv`;
    await services.s3.store.upload(input, 'product_description\nmilk\n');
    const send = (key?: string) =>
      call(
        `${gateway.url}/v1/predict/csv`,
        'POST',
        { input_file_s3: input },
        {
          ...bearer(key),
          'idempotency-key': 'nightly-2026-12-01',
        },
      );
    const first = await send();
    const other = await send(admin.key);
    expect([first.status, other.status]).toEqual([202, 202]);
    expect(other.body.job_id).not.toBe(first.body.job_id);
    const [again, otherAgain] = [await send(), await send(admin.key)];
    expect([again.status, again.body.job_id]).toEqual([200, first.body.job_id]);
    expect([otherAgain.status, otherAgain.body.job_id]).toEqual([200, other.body.job_id]);
  });
});
