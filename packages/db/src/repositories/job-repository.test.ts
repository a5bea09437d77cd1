import { randomUUID } from 'node:crypto';
import { createTestDatabase, startRun, type TestDatabase } from '@shelfwise/test-kit';
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

  const newJob = (key?: string, scope = 'key-a') =>
    jobs.create({
      id: randomUUID(),
      type: 'PREDICT_CSV',
      input: { input_file_s3: 's3://dataset/a.csv' },
      idempotency: key === undefined ? undefined : { scope, key },
    });

  it('returns the new row exactly as MySQL gives it back, every field', async () => {
    const bare = await jobs.create({
      id: randomUUID(),
      type: 'TRAIN_CSV',
      input: { train_dir_s3: 's3://d/t/' },
    });
    expect(bare).toEqual(await jobs.findById(bare.id));
    const full = await jobs.create({
      id: randomUUID(),
      type: 'PREDICT_CSV',
      input: { input_file_s3: 's3://dataset/a.csv', note: 'quote " and ünïcode', nested: [1, { a: null }] },
      idempotency: { scope: 'key-a', key: `full-${randomUUID()}` },
      requestHash: 'f'.repeat(64),
      apiKeyId: 'key-a',
      inputVersions: [{ uri: 's3://dataset/a.csv', etag: '"abc"' }],
    });
    expect(full).toEqual(await jobs.findById(full.id));
    expect(full).toMatchObject({ status: 'QUEUED', progress: 0, attempts: 0, idempotencyScope: 'key-a' });
  });

  it('moves a job through its life and refuses to leave a terminal state', async () => {
    const job = await newJob();
    expect(job.status).toBe('QUEUED');
    const run = await startRun(jobs, job.id);
    expect(await jobs.reportProgress(run, 0.5)).toBe(true);
    expect(
      await jobs.markSucceeded(run, {
        outputUri: 's3://inference/x/predictions.csv',
        result: { rows: 3 },
      }),
    ).toBe(true);
    expect(await jobs.markFailed(run, { code: 'LATE', message: 'too late' })).toBe(false);
    expect(await jobs.markFailed(job.id, { code: 'LATE', message: 'too late' })).toBe(false);
    expect(await jobs.markCancelled(job.id)).toBe(false);
    const done = await jobs.findById(job.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', progress: 1, attempts: 1, result: { rows: 3 } });
    expect(done?.finishedAt).toBeInstanceOf(Date);
  });

  it("counts an owner's unfinished jobs up to one, in creation order, other owners' and ended ones left out", async () => {
    const owner = randomUUID().slice(0, 12);
    const own = () => jobs.create({ id: randomUUID(), type: 'PREDICT_CSV', input: {}, apiKeyId: owner });
    const first = await own();
    const second = await own();
    const third = await own();
    await jobs.create({ id: randomUUID(), type: 'PREDICT_CSV', input: {}, apiKeyId: 'someone-else' });
    await jobs.create({ id: randomUUID(), type: 'TRAIN_CSV', input: {}, apiKeyId: owner });
    const place = (row: { id: string; createdAt: Date }, cap = 100) =>
      jobs.countOwnerBacklog(owner, ['PREDICT_CSV'], row, cap);
    expect([await place(first), await place(second), await place(third)]).toEqual([1, 2, 3]);
    await jobs.markCancelled(first.id);
    expect(await place(third)).toBe(2);
    expect(await place(third, 1)).toBe(1);
  });

  it('keeps a cancelled job cancelled: a worker can no longer start it', async () => {
    const job = await newJob();
    expect(await jobs.markCancelled(job.id)).toBe(true);
    expect(await jobs.claimRun(job.id, 60_000)).toEqual({ kind: 'ended', status: 'CANCELLED' });
  });

  it('stores the failure reason', async () => {
    const job = await newJob();
    const run = await startRun(jobs, job.id);
    await jobs.markFailed(run, { code: 'INVALID_CSV', message: 'row 3: empty product_description' });
    expect(await jobs.findById(job.id)).toMatchObject({ status: 'FAILED', errorCode: 'INVALID_CSV' });
  });

  it('refuses a second job with the same idempotency key of the same API key, not of another', async () => {
    const key = randomUUID();
    const first = await newJob(key);
    const second = await newJob(key).catch((error: unknown) => error);
    expect(isUniqueViolation(second)).toBe(true);
    expect((await jobs.findByIdempotencyKey({ scope: 'key-a', key }))?.id).toBe(first.id);
    const other = await newJob(key, 'key-b');
    expect(other.id).not.toBe(first.id);
    expect((await jobs.findByIdempotencyKey({ scope: 'key-b', key }))?.id).toBe(other.id);
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

  describe('one run at a time', () => {
    it('refuses a second claim while the first run holds its lease, naming how long it lasts', async () => {
      const job = await newJob();
      await startRun(jobs, job.id, 30_000);
      const second = await jobs.claimRun(job.id, 30_000);
      expect(second.kind).toBe('leased');
      expect(second.kind === 'leased' && second.retryInMs).toBeGreaterThan(25_000);
      expect((await jobs.findById(job.id))?.attempts).toBe(1);
    });

    it('lets a new run take over once the lease expired, and fences every write of the stale run', async () => {
      const job = await newJob();
      const stale = await startRun(jobs, job.id, 1);
      const first = await jobs.findById(job.id);
      // The stale run's lease (1 ms) is over by the database's clock: a takeover may claim the job.
      await pollUntilClaimed(job.id);
      const current = await jobs.findById(job.id);
      expect(current).toMatchObject({ status: 'RUNNING', attempts: 2 });
      // started_at keeps the first start; attempts counts both.
      expect(current?.startedAt).toEqual(first?.startedAt);

      expect(await jobs.reportProgress(stale, 0.9)).toBe(false);
      expect(await jobs.recordModelVersion(stale, 1)).toBe(false);
      expect(await jobs.markSucceeded(stale, { result: { rows: 1 } })).toBe(false);
      expect(await jobs.markRetrying(stale, { code: 'TRANSIENT', message: 'stale' })).toBe(false);
      expect(await jobs.markFailed(stale, { code: 'TRANSIENT', message: 'stale' })).toBe(false);
      expect(await jobs.renewLease(stale, 30_000)).toBe('lost');
      expect(await jobs.findById(job.id)).toMatchObject({ status: 'RUNNING', progress: 0, errorCode: null });
    });

    it('gives the job up on a retry, so the next copy claims it at once and counts a second attempt', async () => {
      const job = await newJob();
      const run = await startRun(jobs, job.id, 30_000);
      expect(await jobs.markRetrying(run, { code: 'TRANSIENT', message: 'S3 reset the connection' })).toBe(
        true,
      );
      expect(await jobs.findById(job.id)).toMatchObject({
        status: 'QUEUED',
        runToken: null,
        leaseUntil: null,
      });
      const next = await startRun(jobs, job.id, 30_000);
      expect(next.token).not.toBe(run.token);
      expect((await jobs.findById(job.id))?.attempts).toBe(2);
    });

    it('tells a renewing run that its job was cancelled', async () => {
      const job = await newJob();
      const run = await startRun(jobs, job.id);
      expect(await jobs.renewLease(run, 30_000)).toBe('held');
      await jobs.markCancelled(job.id);
      expect(await jobs.renewLease(run, 30_000)).toBe('cancelled');
      expect(await jobs.markSucceeded(run, { result: {} })).toBe(false);
    });

    it('hands a released lease to the next claim at once, the row still RUNNING', async () => {
      const job = await newJob();
      const run = await startRun(jobs, job.id, 60_000);
      expect(await jobs.releaseLease(run)).toBe(true);
      await pollUntilClaimed(job.id);
      expect((await jobs.findById(job.id))?.attempts).toBe(2);
    });

    it('lets only an unowned job be failed by whoever settles it, and lists only unowned ones', async () => {
      const held = await newJob();
      const queued = await newJob();
      await startRun(jobs, held.id, 60_000);
      expect(await jobs.markFailed(held.id, { code: 'INTERNAL', message: 'gave up' })).toBe(false);
      const unowned = (await jobs.listUnowned()).map((row) => row.id);
      expect(unowned).toContain(queued.id);
      expect(unowned).not.toContain(held.id);
      expect(await jobs.markFailed(queued.id, { code: 'INTERNAL', message: 'gave up' })).toBe(true);
    });

    it('pins the input versions once: a later attempt gets the first listing back', async () => {
      const job = await newJob();
      const first = await startRun(jobs, job.id);
      const listing = [{ uri: 's3://dataset/a.csv', etag: '"1"' }];
      expect(await jobs.pinInputVersions(first, listing)).toEqual(listing);
      await jobs.markRetrying(first, { code: 'TRANSIENT', message: 'again' });
      const second = await startRun(jobs, job.id);
      const changed = [{ uri: 's3://dataset/a.csv', etag: '"2"' }];
      expect(await jobs.pinInputVersions(second, changed)).toEqual(listing);
      expect(await jobs.pinInputVersions(first, changed)).toBeNull();
    });
  });

  /** Claims until the database's clock has passed the previous lease (a few ms at most). */
  async function pollUntilClaimed(id: string) {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const claim = await jobs.claimRun(id, 60_000);
      if (claim.kind === 'claimed') return claim;
      if (Date.now() > deadline) throw new Error(`not claimable: ${JSON.stringify(claim)}`);
    }
  }
});
