import { randomUUID } from 'node:crypto';
import { monitoringAnswer } from '@shelfwise/contracts';
import {
  JobRepository,
  ModelVersionRepository,
  MonitoringRepository,
  ShadowScoreRepository,
} from '@shelfwise/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

describe('GET /v1/monitoring', () => {
  let services: TestServices;
  let gateway: TestGateway;
  const get = (query: string) => call(`${gateway.url}/v1/monitoring${query}`, 'GET');

  beforeAll(async () => {
    services = await createTestServices('monitoring');
    gateway = await startGateway(services);
    const { db } = services.database;
    const models = new ModelVersionRepository(db);
    const jobIds: string[] = [];
    const modelIds: number[] = [];
    for (const weightedF1 of [0.8, 0.9]) {
      const model = await models.create({
        artifactUri: (v) => `s3://models/${v}/`,
        datasetUri: 's3://dataset/train.csv',
        datasetHash: 'a'.repeat(64),
        labels: ['A', 'B'],
        metrics: {},
      });
      const job = await new JobRepository(db).create({
        id: randomUUID(),
        type: 'PREDICT_CSV',
        input: { input_file_s3: 's3://dataset/in.csv' },
      });
      await new MonitoringRepository(db).record({
        jobId: job.id,
        modelVersionId: model.id,
        weightedF1,
        minF1: weightedF1 - 0.2,
        perClassF1: { A: weightedF1, B: weightedF1 - 0.2 },
        rows: 100,
        labelledRows: 40,
        seenRows: 5,
        latencyPerRowMs: 0.3,
      });
      jobIds.push(job.id);
      modelIds.push(model.id);
    }
    // Version 2 was also scored, as a shadow, on the job version 1 answered.
    await new ShadowScoreRepository(db).record({
      jobId: jobIds[0] as string,
      modelVersionId: modelIds[1] as number,
      weightedF1: 0.85,
      minF1: 0.65,
      scoredRows: 30,
      seenRows: 10,
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('answers the monitoring points of the last 30 days, oldest first', async () => {
    const answer = await get('');
    expect(answer.status).toBe(200);
    const { items } = monitoringAnswer.parse(answer.body);
    expect(items.map((p) => [p.model_version, p.weighted_f1, p.min_f1])).toEqual([
      [1, 0.8, expect.closeTo(0.6)],
      [2, 0.9, expect.closeTo(0.7)],
    ]);
    expect(items[0]).toMatchObject({
      rows: 100,
      labelled_rows: 40,
      seen_rows: 5,
      unseen_rows: 35,
      per_class_f1: { A: 0.8 },
      shadow: [{ model_version: 2, weighted_f1: 0.85, min_f1: 0.65, scored_rows: 30, seen_rows: 10 }],
    });
    expect(items[1]?.shadow).toEqual([]);
  });

  it('filters by model version and by time', async () => {
    expect(
      (await get('?model_version=2')).body.items.map((p: { model_version: number }) => p.model_version),
    ).toEqual([2]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await get(`?since=${future}`)).body.items).toEqual([]);
  });

  it.each([
    ['since=yesterday', 'since'],
    ['model_version=0', 'model_version'],
    ['limit=5000', 'limit'],
    ['other=1', 'other'],
  ])('refuses ?%s naming %s', async (query, field) => {
    const answer = await get(`?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toContainEqual({ path: field, message: expect.any(String) });
  });
});
