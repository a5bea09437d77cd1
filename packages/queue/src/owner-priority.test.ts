import { randomUUID } from 'node:crypto';
import { JobRepository } from '@shelfwise/db';
import { createTestDatabase, type TestDatabase } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OwnerPriority, type PrioritizedRow } from './owner-priority';

describe('OwnerPriority against MySQL', () => {
  let database: TestDatabase;
  let jobs: JobRepository;
  const started = new Date(Date.now() - 60_000);
  const at = (ms: number) => new Date(started.getTime() + ms);
  const row = (createdAt: Date, id: string = randomUUID()): PrioritizedRow => ({
    id,
    type: 'PREDICT_CSV',
    apiKeyId: null,
    createdAt,
  });
  /** A new unfinished job of the owner, created at `createdAt`. */
  const inserted = async (createdAt: Date): Promise<PrioritizedRow> => {
    const job = row(createdAt);
    await database.db.job.create({ data: { id: job.id, type: job.type, input: {}, createdAt } });
    return job;
  };

  beforeAll(async () => {
    database = await createTestDatabase('owner_priority');
    jobs = new JobRepository(database.db);
    // 999 unfinished jobs of one owner, a millisecond apart: the next one is its 1,000th, the cap.
    await database.db.job.createMany({
      data: Array.from({ length: 999 }, (_, i) => ({
        id: randomUUID(),
        type: 'PREDICT_CSV' as const,
        input: {},
        createdAt: at(i),
      })),
    });
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("counts the owner's backlog; at the cap, the next second's jobs get it without a count", async () => {
    const counts = vi.spyOn(jobs, 'countOwnerBacklog');
    const priority = new OwnerPriority(jobs);
    const [tenth] = await database.db.job.findMany({ orderBy: { createdAt: 'asc' }, skip: 9, take: 1 });
    if (!tenth) throw new Error('no rows');

    expect(await priority.of(row(tenth.createdAt, tenth.id))).toBe(10);
    expect(await priority.of(await inserted(at(1_000)))).toBe(1_000);
    expect(counts).toHaveBeenCalledTimes(2);

    // Within the second after the job counted at the cap: no query.
    expect(await priority.of(await inserted(at(1_001)))).toBe(1_000);
    expect(await priority.of(await inserted(at(1_999)))).toBe(1_000);
    expect(counts).toHaveBeenCalledTimes(2);

    // An older job (the reconciler enqueuing it again) and another owner's are still counted exactly.
    expect(await priority.of(row(tenth.createdAt, tenth.id))).toBe(10);
    expect(await priority.of({ ...row(at(1_500)), apiKeyId: randomUUID() })).toBe(1);
    expect(counts).toHaveBeenCalledTimes(4);

    // A second later one count refreshes the memo; the owner's jobs submitted while it runs keep the cap.
    const refreshed = priority.of(await inserted(at(2_000)));
    expect(await priority.of(await inserted(at(2_001)))).toBe(1_000);
    expect(await refreshed).toBe(1_000);
    expect(counts).toHaveBeenCalledTimes(5);

    // Another second on, the owner is counted again: 500 of its jobs finished meanwhile, 504 are left.
    const finished = await database.db.job.findMany({ orderBy: { createdAt: 'asc' }, take: 500 });
    await database.db.job.updateMany({
      where: { id: { in: finished.map((job) => job.id) } },
      data: { status: 'SUCCEEDED' },
    });
    expect(await priority.of(await inserted(at(3_000)))).toBe(505);
    expect(counts).toHaveBeenCalledTimes(6);
    // Under the cap, every job is counted again.
    expect(await priority.of(await inserted(at(3_001)))).toBe(506);
    expect(counts).toHaveBeenCalledTimes(7);
  });
});
