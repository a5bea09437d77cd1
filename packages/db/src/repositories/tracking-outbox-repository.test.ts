import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRepository } from './job-repository';
import { TrackingOutboxRepository } from './tracking-outbox-repository';

describe('TrackingOutboxRepository on MySQL', () => {
  let database: TestDatabase;
  let outbox: TrackingOutboxRepository;
  let jobs: JobRepository;

  beforeAll(async () => {
    database = await createTestDatabase('outbox');
    outbox = new TrackingOutboxRepository(database.db);
    jobs = new JobRepository(database.db);
  });

  afterAll(async () => {
    await database?.drop();
  });

  const later = (ms: number) => new Date(Date.now() + ms);
  const newJob = async () =>
    (await jobs.create({ id: randomUUID(), type: 'TRAIN_CSV', input: { epochs: 1 } })).id;

  it('records an entry once per dedupe key', async () => {
    const jobId = await newJob();
    const entry = { kind: 'TRAINING_RUN' as const, dedupeKey: `t:${jobId}`, jobId, payload: { n: 1 } };
    expect(await outbox.recordOnce(entry)).toBe(true);
    expect(await outbox.recordOnce({ ...entry, payload: { n: 2 } })).toBe(false);
    const stored = await outbox.listByJob(jobId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'PENDING', attempts: 0, payload: { n: 1 } });
  });

  it('gives concurrent claimers disjoint entries, and an entry again only once its claim expired', async () => {
    const jobId = await newJob();
    for (let i = 0; i < 12; i++) {
      await outbox.recordOnce({
        kind: 'MONITORING_METRICS',
        dedupeKey: `c:${jobId}:${i}`,
        jobId,
        payload: {},
      });
    }
    const now = new Date();
    const tokens = Array.from({ length: 4 }, () => randomUUID());
    const claims = await Promise.all(tokens.map((token) => outbox.claim(token, 5, now, later(60_000))));
    const ids = claims.flat().map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeGreaterThanOrEqual(12);
    expect(await outbox.claim(randomUUID(), 100, now, later(60_000))).toEqual([]);

    // A worker that died holding a claim: once it expires another worker takes the entry.
    const [first] = claims.flat();
    if (!first) throw new Error('nothing claimed');
    await database.db.trackingOutboxEntry.update({
      where: { id: first.id },
      data: { claimedUntil: new Date(Date.now() - 1) },
    });
    const retaken = await outbox.claim(randomUUID(), 100, new Date(), later(60_000));
    expect(retaken.map((entry) => entry.id)).toContain(first.id);
    // The first claimer's late answer no longer counts.
    expect(await outbox.markSent(first.id, first.claimedBy ?? '')).toBe(false);
  });

  it('changes an entry only for the claim holding it, backs off failures and derives the job state', async () => {
    const jobId = await newJob();
    await outbox.recordOnce({ kind: 'TRAINING_RUN', dedupeKey: `s:${jobId}`, jobId, payload: {} });
    await outbox.recordOnce({ kind: 'MONITORING_METRICS', dedupeKey: `m:${jobId}`, jobId, payload: {} });
    expect(await outbox.refreshJobTracking(jobId)).toBe('PENDING');
    const entries = await outbox.listByJob(jobId);
    const [training, metrics] = entries;
    if (!training || !metrics) throw new Error('entries missing');

    // Claimed directly, so that entries of the other tests stay out of this one.
    const token = randomUUID();
    await database.db.trackingOutboxEntry.updateMany({
      where: { jobId },
      data: { claimedBy: token, claimedUntil: later(60_000) },
    });
    expect(await outbox.saveProgress(training.id, 'someone-else', { runId: 'r' })).toBe(false);
    expect(await outbox.saveProgress(training.id, token, { runId: 'r1' }, 'r1')).toBe(true);
    expect(await outbox.markSent(training.id, token)).toBe(true);
    const next = later(5_000);
    expect(
      await outbox.markAttemptFailed(metrics.id, token, {
        error: 'x'.repeat(5_000),
        nextAttemptAt: next,
        giveUp: false,
      }),
    ).toBe(true);
    const failed = await outbox.findById(metrics.id);
    expect(failed).toMatchObject({ status: 'PENDING', attempts: 1, claimedBy: null });
    expect(failed?.lastError?.length).toBe(2_000);
    expect(failed?.nextAttemptAt.getTime()).toBe(next.getTime());
    expect(await outbox.claim(randomUUID(), 100, new Date(), later(60_000))).toEqual([]);
    expect(await outbox.refreshJobTracking(jobId)).toBe('PENDING');

    await database.db.trackingOutboxEntry.update({
      where: { id: metrics.id },
      data: { nextAttemptAt: new Date() },
    });
    const again = randomUUID();
    expect((await outbox.claim(again, 100, new Date(), later(60_000))).map((e) => e.id)).toEqual([
      metrics.id,
    ]);
    await outbox.markAttemptFailed(metrics.id, again, {
      error: 'gone',
      nextAttemptAt: new Date(),
      giveUp: true,
    });
    expect(await outbox.refreshJobTracking(jobId)).toBe('FAILED');
    expect((await jobs.findById(jobId))?.tracking).toBe('FAILED');
    expect((await outbox.findById(training.id))?.mlflowRunId).toBe('r1');
  });
});
