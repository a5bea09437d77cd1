import { randomUUID } from 'node:crypto';
import { JobRepository } from '@shelfwise/db';
import { ObjectChangedError } from '@shelfwise/storage';
import {
  createTestDatabase,
  createTestS3,
  startRun,
  type TestDatabase,
  type TestS3,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrainingData } from './read-training-data';

// Real S3 and MySQL: the listing is pinned on the job row as the runner pins it (JobContext.pinInputs).
describe('readTrainingData on a prefix, across attempts', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let jobs: JobRepository;
  let prefix: string;
  let jobId: string;

  /** One attempt of the job: a run of its own, reading with the row's pins. */
  const attempt = async () => {
    const run = await startRun(jobs, jobId);
    try {
      return await readTrainingData(s3.store, prefix, {
        pin: async (listing) => (await jobs.pinInputVersions(run, listing)) ?? [],
      });
    } finally {
      await jobs.markRetrying(run, { code: 'TRANSIENT', message: 'next attempt' });
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase('read_training');
    s3 = await createTestS3();
    jobs = new JobRepository(database.db);
    prefix = `s3://${s3.buckets.dataset}/corpus/`;
    jobId = randomUUID();
    await jobs.create({
      id: jobId,
      type: 'TRAIN_FEEDBACK',
      input: { train_dir_s3: prefix, epoch_num: 1, best_model_metric: 'eval_f1' },
    });
    await s3.store.upload(`${prefix}a.csv`, 'product_description,Category\ngreen tea,Beverages\n');
    await s3.store.upload(`${prefix}b.csv`, 'product_description,Category\ndish soap,Household\n');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('reads the first listing on every attempt: a file added later is not read, a changed one fails', async () => {
    const first = await attempt();
    expect(first.files).toEqual([`${prefix}a.csv`, `${prefix}b.csv`]);

    await s3.store.upload(`${prefix}c.csv`, 'product_description,Category\nfuji apples,Fresh Produce\n');
    const retry = await attempt();
    expect(retry.files).toEqual(first.files);
    expect(retry.datasetHash).toBe(first.datasetHash);

    await s3.store.upload(`${prefix}b.csv`, 'product_description,Category\ndish soap,Beverages\n');
    const changed = await attempt().catch((error: unknown) => error);
    expect(changed).toBeInstanceOf(ObjectChangedError);
    expect(String(changed)).toContain(`${prefix}b.csv changed after the job was submitted`);
  });
});
