import type { Db } from '@shelfwise/db';
import type { JobProducer } from '@shelfwise/queue';

type Queue = ReturnType<JobProducer['queue']>;

export interface Accounting {
  /** 202 answers. */
  accepted: number;
  /** Distinct job ids among them (fewer: an id answered twice). */
  distinctIds: number;
  /** Job rows in MySQL. */
  rows: number;
  /** Accepted ids with no row, or a row that no answer named. */
  lostRows: number;
  extraRows: number;
  /**
   * Jobs in the queue (waiting, in the wait list or, fair-shared, the prioritized set; or completed when
   * `state` says so), and ids there that are not accepted ones.
   */
  queued: number;
  lostInQueue: number;
  extraInQueue: number;
}

/**
 * Compares what the clients were told (job ids of 202 answers) with MySQL (rows) and BullMQ (jobs in
 * `state`): every accepted job must be in both exactly once, and nothing else may be.
 */
export async function accountJobs(
  db: Db,
  queue: Queue,
  jobIds: string[],
  state: 'waiting' | 'completed',
): Promise<Accounting> {
  const accepted = new Set(jobIds);
  const rows = new Set((await db.job.findMany({ select: { id: true } })).map((row) => row.id));
  const states = state === 'waiting' ? (['wait', 'prioritized'] as const) : (['completed'] as const);
  const inQueue = (await queue.getJobs([...states], 0, -1)).map((job) => job.id ?? '');
  const queued = new Set(inQueue);
  const count = (from: Set<string>, notIn: Set<string>) => [...from].filter((id) => !notIn.has(id)).length;
  return {
    accepted: jobIds.length,
    distinctIds: accepted.size,
    rows: rows.size,
    lostRows: count(accepted, rows),
    extraRows: count(rows, accepted),
    queued: inQueue.length,
    lostInQueue: count(accepted, queued),
    extraInQueue: count(queued, accepted) + (inQueue.length - queued.size),
  };
}
