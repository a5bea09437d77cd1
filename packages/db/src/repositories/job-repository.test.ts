import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../errors';
import { JobRepository } from './job-repository';

describe('JobRepository on MySQL', () => {
  let database: TestDatabase;
  let jobs: JobRepository;

  beforeAll(async () => {
    database = await createTestDatabase('jobs');
    jobs = new JobRepository(database.db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  const newJob = (key?: string) =>
    jobs.create({
      id: randomUUID(),
      type: 'PREDICT_CSV',
      input: { input_file_s3: 's3://dataset/a.csv' },
      idempotencyKey: key,
    });

  it('moves a job through its life and refuses to leave a terminal state', async () => {
    const job = await newJob();
    expect(job.status).toBe('QUEUED');
    expect(await jobs.markRunning(job.id, 1)).toBe(true);
    expect(await jobs.reportProgress(job.id, 0.5)).toBe(true);
    expect(
      await jobs.markSucceeded(job.id, {
        outputUri: 's3://inference/x/predictions.csv',
        result: { rows: 3 },
      }),
    ).toBe(true);
    expect(await jobs.markFailed(job.id, { code: 'LATE', message: 'too late' })).toBe(false);
    expect(await jobs.markCancelled(job.id)).toBe(false);
    const done = await jobs.findById(job.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', progress: 1, attempts: 1, result: { rows: 3 } });
    expect(done?.finishedAt).toBeInstanceOf(Date);
  });

  it('keeps a cancelled job cancelled: a worker can no longer start it', async () => {
    const job = await newJob();
    expect(await jobs.markCancelled(job.id)).toBe(true);
    expect(await jobs.markRunning(job.id, 1)).toBe(false);
  });

  it('stores the failure reason', async () => {
    const job = await newJob();
    await jobs.markRunning(job.id, 1);
    await jobs.markFailed(job.id, { code: 'INVALID_CSV', message: 'row 3: empty product_description' });
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'FAILED', errorCode: 'INVALID_CSV' });
  });

  it('refuses a second job with the same idempotency key', async () => {
    const key = randomUUID();
    await newJob(key);
    const second = await newJob(key).catch((error: unknown) => error);
    expect(isUniqueViolation(second)).toBe(true);
    expect((await jobs.findByIdempotencyKey(key))?.idempotencyKey).toBe(key);
  });

  it('pages newest first without skipping or repeating a row', async () => {
    const created = [];
    for (let i = 0; i < 5; i++) created.push((await newJob()).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await jobs.list({ type: 'PREDICT_CSV', limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((j) => j.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of created) expect(seen).toContain(id);
  });
});
