import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelVersionRepository } from './model-version-repository';

describe('ModelVersionRepository on MySQL', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('models');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('numbers versions and keeps exactly one serving version, the previous one archived', async () => {
    const models = new ModelVersionRepository(database.db);
    const make = () =>
      models.create({
        artifactUri: (v) => `s3://models/${v}/`,
        datasetUri: 's3://dataset/train.csv',
        datasetHash: 'a'.repeat(64),
        labels: ['A', 'B'],
        metrics: { eval_f1: 0.9 },
      });
    const first = await make();
    const second = await make();
    expect(first.status).toBe('PENDING');
    await models.promote(1);
    expect(await models.findServing()).toBeNull();
    await models.markReady(1, { eval_f1: 0.91 });
    await models.markReady(2, { eval_f1: 0.92 });
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(second.artifactUri).toBe('s3://models/2/');
    await models.promote(1);
    await models.promote(2);
    expect((await models.findServing())?.version).toBe(2);
    expect((await models.findByVersion(1))?.stage).toBe('ARCHIVED');
    await models.promote(1);
    expect((await models.findServing())?.version).toBe(1);
    expect((await models.findByVersion(2))?.stage).toBe('ARCHIVED');
  });
});
