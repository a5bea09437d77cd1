import { JOBS, type QueuedJob, queuedJobOf } from '@shelfwise/contracts';
import type { JobRepository, Job as JobRow } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { JobProducer } from '@shelfwise/queue';

export interface ReconcilerOptions {
  jobs: JobRepository;
  producer: JobProducer;
  /** How often a pass runs besides start-up and Redis reconnections. */
  intervalMs: number;
  /** Rows younger than this are left to the gateway, which enqueues right after writing them. */
  minAgeMs: number;
  logger: Logger;
}

export interface ReconcileReport {
  /** Unfinished rows old enough to look at. */
  checked: number;
  /** Rows Redis had lost, enqueued again under their id. */
  enqueued: number;
  /** Rows BullMQ had given up on (e.g. stalled too often) without the row being told: now FAILED. */
  settled: number;
}

/** Something that says when its Redis connection is (again) ready: ioredis emits 'ready' after each connect. */
export interface ReadySource {
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

const isActive = (row: JobRow | null): row is JobRow => row?.status === 'QUEUED' || row?.status === 'RUNNING';
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * MySQL is the source of truth, Redis only the queue: when Redis loses its data (a restart without
 * persistence, a failover), every job MySQL still shows QUEUED or RUNNING is enqueued again with the same
 * id, its payload rebuilt from the stored request. Adding an id that exists is a no-op in BullMQ and a job
 * whose row already ended is skipped by the runner, so passes can run on every worker at any time.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private source: ReadySource | undefined;
  private readonly onReady = () => this.trigger();

  constructor(private readonly options: ReconcilerOptions) {}

  /** Runs a pass now, every `intervalMs`, and each time `redis` becomes ready (a reconnect after a restart). */
  start(redis: ReadySource): void {
    this.source = redis;
    redis.on('ready', this.onReady);
    this.timer = setInterval(this.onReady, this.options.intervalMs);
    this.timer.unref();
    this.trigger();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.source?.off('ready', this.onReady);
    this.again = false;
    await this.running;
  }

  /** Starts a pass, or asks for one more after the pass in progress (which may have read a stale list). */
  private trigger(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => {
      this.running = undefined;
    });
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const report = await this.reconcile();
        if (report.enqueued > 0 || report.settled > 0) this.options.logger.warn(report, 'reconciled jobs');
      } catch (error) {
        // MySQL or Redis is down: the next trigger (interval, reconnect) tries again.
        this.options.logger.warn({ err: error }, 'reconciliation pass failed');
      }
    } while (this.again);
  }

  /** One pass over the unfinished rows. */
  async reconcile(): Promise<ReconcileReport> {
    const { jobs, minAgeMs } = this.options;
    const cutoff = Date.now() - minAgeMs;
    const report: ReconcileReport = { checked: 0, enqueued: 0, settled: 0 };
    for (const row of await jobs.listUnfinished()) {
      if (row.createdAt.getTime() > cutoff) continue;
      report.checked++;
      const outcome = await this.reconcileRow(row);
      if (outcome === 'enqueued') report.enqueued++;
      if (outcome === 'settled') report.settled++;
    }
    return report;
  }

  private async reconcileRow(row: JobRow): Promise<'enqueued' | 'settled' | 'unchanged'> {
    const { jobs, producer } = this.options;
    let queued: QueuedJob;
    try {
      queued = queuedJobOf(row.type, row.input, row.id);
    } catch (error) {
      const message = `the stored request cannot be queued again: ${describe(error)}`;
      return (await jobs.markFailed(row.id, { code: 'INVALID_REQUEST', message })) ? 'settled' : 'unchanged';
    }
    const queue = producer.queue(JOBS[queued.name].queue);
    // Redis first, then MySQL: a job leaves Redis only after its row ended, so "not in Redis" followed by
    // "row still unfinished" means Redis lost it, not that it finished between the two reads.
    const state = await queue.getJobState(row.id);
    if (state !== 'unknown' && state !== 'failed') return 'unchanged';
    if (!isActive(await jobs.findById(row.id))) return 'unchanged';
    if (state === 'unknown') {
      // The name and payload come paired from queuedJobOf; the producer checks the payload against its schema.
      await producer.enqueue(queued.name, queued.payload as never, row.id);
      return 'enqueued';
    }
    // The runner marks the row before BullMQ fails a job; a failed job with an unfinished row was failed by
    // BullMQ itself (stalled more than maxStalledCount times: it kills its workers), so it ends here.
    const reason = (await queue.getJob(row.id))?.failedReason ?? 'no reason recorded';
    const message = `the queue gave up on the job: ${reason}`;
    return (await jobs.markFailed(row.id, { code: 'INTERNAL', message })) ? 'settled' : 'unchanged';
  }
}
