import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepository } from './job-repository';
import { ModelVersionRepository } from './model-version-repository';
import { MonitoringRepository } from './monitoring-repository';

describe('MonitoringRepository.listPoints on MySQL', () => {
  let database: TestDatabase;
  let monitoring: MonitoringRepository;
  const ids: Record<number, number> = {};

  const point = async (version: number, weightedF1: number) => {
    const job = await new JobRepository(database.db).create({
      id: randomUUID(),
      type: 'PREDICT_CSV',
      input: { input_file_s3: 's3://dataset/in.csv' },
    });
    const modelVersionId = ids[version] ?? 0;
    await monitoring.record({
      jobId: job.id,
      modelVersionId,
      weightedF1,
      minF1: weightedF1 - 0.1,
      perClassF1: { A: weightedF1 },
      rows: 10,
      labelledRows: 5,
      seenRows: 0,
      latencyPerRowMs: 0.5,
    });
    return job.id;
  };

  beforeAll(async () => {
    database = await createTestDatabase('monitoring');
    monitoring = new MonitoringRepository(database.db);
    const models = new ModelVersionRepository(database.db);
    for (let i = 0; i < 2; i++) {
      const model = await models.create({
        artifactUri: (v) => `s3://models/${v}/`,
        datasetUri: 's3://dataset/train.csv',
        datasetHash: 'a'.repeat(64),
        labels: ['A'],
        metrics: {},
      });
      ids[model.version] = model.id;
    }
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('answers the newest points oldest first, with version numbers, filtered by version and time', async () => {
    const before = new Date(Date.now() - 1_000);
    const jobs = [await point(1, 0.8), await point(2, 0.85), await point(1, 0.9)];

    const all = await monitoring.listPoints({ since: before, limit: 10 });
    expect(all.map((p) => p.jobId)).toEqual(jobs);
    expect(all.map((p) => p.modelVersion.version)).toEqual([1, 2, 1]);

    const v1 = await monitoring.listPoints({ since: before, version: 1, limit: 10 });
    expect(v1.map((p) => p.weightedF1)).toEqual([0.8, 0.9]);

    const newestTwo = await monitoring.listPoints({ since: before, limit: 2 });
    expect(newestTwo.map((p) => p.jobId)).toEqual(jobs.slice(1));

    expect(await monitoring.listPoints({ since: new Date(Date.now() + 60_000), limit: 10 })).toEqual([]);
  });
});
