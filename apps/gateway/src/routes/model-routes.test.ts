import { ModelVersionRepository } from '@shelfwise/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

const LABELS = ['Beverages', 'Dry Goods & Pantry Staples'];

describe('model registry endpoints, over real MySQL', () => {
  let services: TestServices;
  let gateway: TestGateway;
  const get = (path: string) => call(`${gateway.url}${path}`, 'GET');
  const promote = (version: number | string) => call(`${gateway.url}/v1/models/${version}/promote`, 'POST');
  const stages = async () =>
    Object.fromEntries(
      ((await get('/v1/models')).body.items as { version: number; stage: string }[]).map((m) => [
        m.version,
        m.stage,
      ]),
    );

  beforeAll(async () => {
    services = await createTestServices('models');
    gateway = await startGateway(services);
    const models = new ModelVersionRepository(services.database.db);
    for (const f1 of [0.81, 0.84, undefined]) {
      const model = await models.create({
        artifactUri: (version) => `s3://${services.s3.buckets.models}/${version}/`,
        datasetUri: `s3://${services.s3.buckets.dataset}/train.csv`,
        datasetHash: 'a'.repeat(64),
        labels: LABELS,
        metrics: {},
      });
      // The third stays PENDING: its artifacts never reached S3.
      if (f1 !== undefined) await models.markReady(model.version, { eval_f1: f1 });
    }
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('lists every version, newest first', async () => {
    const answer = await get('/v1/models');
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((m: { version: number }) => m.version)).toEqual([3, 2, 1]);
  });

  it('shows one version', async () => {
    const answer = await get('/v1/models/2');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      version: 2,
      status: 'READY',
      stage: 'NONE',
      artifact_uri: `s3://${services.s3.buckets.models}/2/`,
      dataset_uri: `s3://${services.s3.buckets.dataset}/train.csv`,
      dataset_hash: 'a'.repeat(64),
      labels: LABELS,
      metrics: { eval_f1: 0.84 },
      mlflow_run_id: null,
      training_job_id: null,
      created_at: expect.any(String),
      promoted_at: null,
      promotion: null,
    });
  });

  it('answers 404 for an unknown version and a 400 naming `version` for one that is not a number', async () => {
    expect((await get('/v1/models/99')).status).toBe(404);
    for (const bad of ['latest', 'abc', '0', '1.5', '-2', '1e3', '12345678901']) {
      const answer = await get(`/v1/models/${bad}`);
      expect(answer.status, bad).toBe(400);
      expect(answer.body.error.message, bad).toBe(
        'invalid request: version: must be a model version number: a whole number from 1, like 3',
      );
      expect(answer.body.error.details).toEqual([
        { path: 'version', message: 'must be a model version number: a whole number from 1, like 3' },
      ]);
    }
    expect((await promote('abc')).body.error.details).toEqual([
      { path: 'version', message: expect.any(String) },
    ]);
  });

  it('promotes a version, archives the previous one, and rolls back by promoting it again', async () => {
    const first = await promote(1);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, stage: 'PRODUCTION', promoted_at: expect.any(String) });

    expect((await promote(2)).body.stage).toBe('PRODUCTION');
    expect(await stages()).toEqual({ 1: 'ARCHIVED', 2: 'PRODUCTION', 3: 'NONE' });

    expect((await promote(1)).status).toBe(200);
    expect(await stages()).toEqual({ 1: 'PRODUCTION', 2: 'ARCHIVED', 3: 'NONE' });
  });

  it('refuses to promote a version that is not READY (409) or does not exist (404)', async () => {
    const pending = await promote(3);
    expect(pending.status).toBe(409);
    expect(pending.body.error.message).toContain('PENDING');
    expect((await promote(99)).status).toBe(404);
    expect(await stages()).toEqual({ 1: 'PRODUCTION', 2: 'ARCHIVED', 3: 'NONE' });
  });
});
