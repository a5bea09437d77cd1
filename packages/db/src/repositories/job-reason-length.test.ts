import { randomUUID } from 'node:crypto';
import { createTestDatabase, startRun, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepository } from './job-repository';

describe('JobRepository failure reasons', () => {
  let database: TestDatabase;
  let jobs: JobRepository;

  beforeAll(async () => {
    database = await createTestDatabase('job_reasons');
    jobs = new JobRepository(database.db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  it('still ends a job whose reason is longer than the column holds, keeping the start of it', async () => {
    const id = randomUUID();
    await jobs.create({ id, type: 'PREDICT_CSV', input: { input_file_s3: 's3://dataset/a.csv' } });
    const run = await startRun(jobs, id);
    const reason = `row 1: unknown label "${'L'.repeat(100_000)}"`;

    expect(await jobs.markFailed(run, { code: 'UNKNOWN_LABEL', message: reason })).toBe(true);

    const row = await jobs.findById(id);
    expect(row?.status).toBe('FAILED');
    expect(row?.errorMessage?.startsWith('row 1: unknown label "LLL')).toBe(true);
    expect(row?.errorMessage?.endsWith('… (cut)')).toBe(true);
    expect(row?.errorMessage?.length).toBeLessThan(4_100);
  });
});
