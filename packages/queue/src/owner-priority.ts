import { JOB_TYPES, JOBS, jobOfType, type RecordedJobType } from '@shelfwise/contracts';

/**
 * The priority of an owner's 1,000th unfinished job and all after it. Counting stops there so a submission
 * costs the same however long its owner's flood (BullMQ's own limit is 2,097,152); past it, a flooder's
 * jobs go first come, first served among themselves, still behind every other owner's first 999.
 */
const LOWEST_PRIORITY = 1_000;

const queueOfType = (type: RecordedJobType) => JOBS[jobOfType(type)].queue;

// Job types that go to the same queue compete for the same workers; only they count as an owner's backlog.
const sharingAQueue = (type: RecordedJobType): RecordedJobType[] =>
  JOB_TYPES.filter((other) => queueOfType(other) === queueOfType(type));

/** What the fair-share priority needs from MySQL (the JobRepository). */
export interface OwnerBacklog {
  /** Unfinished (QUEUED or RUNNING) jobs of `owner` with one of `types`, `upTo` and those before it, ≤ `cap`. */
  countOwnerBacklog(
    owner: string | null,
    types: RecordedJobType[],
    upTo: { id: string; createdAt: Date },
    cap: number,
  ): Promise<number>;
}

/**
 * Fair share of workers between owners (API keys): a job's BullMQ priority is its place in its owner's
 * backlog, 1 for the owner's oldest unfinished job on that queue, n for the n-th. BullMQ takes the lowest
 * number first and keeps arrival order within a number, so workers go round-robin between owners: a
 * newcomer's first job (1) goes before a flooder's 16th (16) however long the flood. Computed from MySQL,
 * the record of every unfinished job, so the reconciler gives a job enqueued again the same standing.
 * Every job of a fair-shared queue must carry one: BullMQ serves jobs without a priority before all others.
 */
export async function ownerPriority(
  backlog: OwnerBacklog,
  row: { id: string; type: RecordedJobType; apiKeyId: string | null; createdAt: Date },
): Promise<number> {
  const place = await backlog.countOwnerBacklog(row.apiKeyId, sharingAQueue(row.type), row, LOWEST_PRIORITY);
  return Math.max(1, place);
}
