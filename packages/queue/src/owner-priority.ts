import { JOB_TYPES, JOBS, jobOfType, type RecordedJobType } from '@shelfwise/contracts';

/**
 * The priority of an owner's 1,000th unfinished job and all after it. Counting stops there so a submission
 * costs the same however long its owner's flood (BullMQ's own limit is 2,097,152); past it, a flooder's
 * jobs go first come, first served among themselves, still behind every other owner's first 999.
 */
const LOWEST_PRIORITY = 1_000;
/**
 * After an owner's count reached the cap, its jobs created within this long after the counted one get the
 * cap without a count. Even capped, a count reads 1,000 index entries (~1 ms of MySQL's CPU, the largest
 * cost of a flooder's submission, `pnpm bench:load`); in a second at most the jobs that finished in it can
 * have moved the owner back under the cap, so a job is placed at most that many places too late among its
 * own owner's, never ahead of anyone.
 */
const AT_CAP_FOR_MS = 1_000;

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

export interface PrioritizedRow {
  id: string;
  type: RecordedJobType;
  apiKeyId: string | null;
  createdAt: Date;
}

/**
 * Fair share of workers between owners (API keys): a job's BullMQ priority is its place in its owner's
 * backlog, 1 for the owner's oldest unfinished job on that queue, n for the n-th. BullMQ takes the lowest
 * number first and keeps arrival order within a number, so workers go round-robin between owners: a
 * newcomer's first job (1) goes before a flooder's 16th (16) however long the flood. Computed from MySQL,
 * the record of every unfinished job, so the reconciler gives a job enqueued again the same standing (an
 * older row than the one counted at the cap is always counted). Every job of a fair-shared queue must carry
 * one: BullMQ serves jobs without a priority before all others.
 */
export class OwnerPriority {
  /** Per owner and queue: when the job last counted at the cap was created (ms). */
  private readonly atCap = new Map<string, number>();
  /** Owners whose expired memo a count is refreshing: their other jobs meanwhile keep the cap. */
  private readonly refreshing = new Set<string>();

  constructor(private readonly backlog: OwnerBacklog) {}

  async of(row: PrioritizedRow): Promise<number> {
    const owner = `${queueOfType(row.type)} ${row.apiKeyId ?? ''}`;
    const created = row.createdAt.getTime();
    const counted = this.atCap.get(owner);
    const newer = counted !== undefined && created >= counted;
    // One count refreshes an expired memo: the flood's other submissions in flight do not all count at once.
    if (newer && (created - counted < AT_CAP_FOR_MS || this.refreshing.has(owner))) return LOWEST_PRIORITY;
    if (newer) this.refreshing.add(owner);
    try {
      const place = await this.backlog.countOwnerBacklog(
        row.apiKeyId,
        sharingAQueue(row.type),
        row,
        LOWEST_PRIORITY,
      );
      if (place >= LOWEST_PRIORITY && created > (this.atCap.get(owner) ?? Number.NEGATIVE_INFINITY)) {
        // Owners at the cap are few (API keys flooding a queue); forgetting them all costs a count each.
        if (this.atCap.size >= 10_000) this.atCap.clear();
        this.atCap.set(owner, created);
      } else if (newer && place < LOWEST_PRIORITY) this.atCap.delete(owner);
      return Math.max(1, place);
    } finally {
      if (newer) this.refreshing.delete(owner);
    }
  }
}
