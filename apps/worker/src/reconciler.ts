import { randomUUID } from 'node:crypto';
import { JOBS, type QueuedJob, queuedJobOf } from '@shelfwise/contracts';
import type { JobRepository, Job as JobRow, ModelVersionRepository, NewJob } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { ModelArtifactStore } from '@shelfwise/model-store';
import { type JobProducer, RecordedJobQueue } from '@shelfwise/queue';
import type { ObjectStore } from '@shelfwise/storage';
import type { ChunkParts } from './inference/chunks/chunk-parts';

export interface ReconcilerOptions {
  jobs: JobRepository;
  /** Model versions left PENDING by a training job that ended without succeeding are cleaned up. */
  models: ModelVersionRepository;
  /** Lists what such a version left in its folder, */
  artifacts: ModelArtifactStore;
  /** and deletes it. */
  store: ObjectStore;
  /** The parts of chunked predict jobs that ended are removed. */
  chunkParts: Pick<ChunkParts, 'sweepEnded'>;
  producer: JobProducer;
  /** How often a pass runs besides start-up, Redis reconnections and a lost marker. */
  intervalMs: number;
  /** Rows younger than this are left to the gateway, which enqueues right after writing them. */
  minAgeMs: number;
  /** How often the marker key is checked: its absence means Redis lost its data. */
  lossCheckMs: number;
  logger: Logger;
}

export interface ReconcileReport {
  /** Unfinished rows old enough to look at. */
  checked: number;
  /** Rows Redis had lost, enqueued again under their id. */
  enqueued: number;
  /** Rows BullMQ had given up on (e.g. stalled too often) without the row being told: now FAILED. */
  settled: number;
  /** PENDING model versions of failed or cancelled training jobs: artifacts removed, marked FAILED. */
  abandonedVersions: number;
  /** Chunked predict jobs that ended (cancelled, failed, or finished by a run that died) whose parts went. */
  sweptChunkedJobs: number;
}

/**
 * The Redis connection the reconciler watches: ioredis emits 'ready' after each (re)connect, and the marker
 * is set with SET NX, which answers 'OK' only when the key was missing.
 */
export interface RedisSource {
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
  set(key: string, value: string, nx: 'NX'): Promise<unknown>;
}

const isActive = (row: JobRow | null): row is JobRow => row?.status === 'QUEUED' || row?.status === 'RUNNING';
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * MySQL is the source of truth, Redis only the queue: when Redis loses its data (a restart without
 * persistence, FLUSHALL, a failover), every job MySQL still owes an outcome that no live run holds is
 * enqueued again with the same id, its payload rebuilt from the stored request and pinned input. A RUNNING
 * job whose run still renews its lease is left alone: re-enqueueing it would start a second run of it.
 * Adding an id that exists is a no-op in BullMQ, a job whose row already ended is skipped by the runner, and
 * a copy of a job another run holds is put back, so passes can run on every worker at any time.
 *
 * A lost queue is noticed at once: each worker keeps a marker key in Redis (under the queue prefix, so in
 * the queues' Cluster slot) and checks it every `lossCheckMs`; when it is gone, so is everything else.
 */
export class Reconciler {
  private timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private source: RedisSource | undefined;
  private readonly onReady = () => this.trigger();
  private readonly markerKey: string;
  private readonly recorded: RecordedJobQueue<NewJob, JobRow>;
  // Which worker last wrote the marker: for whoever reads Redis, not for any decision.
  private readonly markerValue = `worker-${randomUUID()}`;

  constructor(private readonly options: ReconcilerOptions) {
    this.markerKey = `${options.producer.prefix}:shelfwise:queue-marker`;
    this.recorded = new RecordedJobQueue(options.jobs, options.producer);
  }

  /**
   * Runs a pass now, every `intervalMs`, each time `redis` becomes ready (a reconnect after a restart), and
   * as soon as the marker is found missing (the data went while the connection stayed up).
   */
  start(redis: RedisSource): void {
    this.source = redis;
    redis.on('ready', this.onReady);
    this.timers = [
      setInterval(this.onReady, this.options.intervalMs),
      setInterval(() => void this.checkMarker(redis), this.options.lossCheckMs),
    ];
    for (const timer of this.timers) timer.unref();
    void this.checkMarker(redis);
    this.trigger();
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.source?.off('ready', this.onReady);
    this.again = false;
    await this.running;
  }

  private async checkMarker(redis: RedisSource): Promise<void> {
    try {
      if ((await redis.set(this.markerKey, this.markerValue, 'NX')) !== 'OK') return;
    } catch {
      // Redis is down: its 'ready' on reconnection triggers the pass.
      return;
    }
    // Missing: first start on this Redis, or its data is gone. A pass costs little either way.
    this.options.logger.info('queue marker missing in Redis (new or emptied): reconciling now');
    this.trigger();
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
        if (Object.entries(report).some(([figure, count]) => figure !== 'checked' && count > 0)) {
          this.options.logger.warn(report, 'reconciled jobs');
        }
      } catch (error) {
        // MySQL or Redis is down: the next trigger (interval, reconnect) tries again.
        this.options.logger.warn({ err: error }, 'reconciliation pass failed');
      }
    } while (this.again);
  }

  /**
   * One pass over the unfinished rows no live run holds, then over abandoned model versions and the parts
   * of chunked jobs that ended. A chunked job waiting for its chunks is in BullMQ (waiting-children) and left
   * alone; after Redis lost it, it is enqueued again like any job, and its run resumes the recorded plan.
   */
  async reconcile(): Promise<ReconcileReport> {
    const { jobs, minAgeMs } = this.options;
    const cutoff = Date.now() - minAgeMs;
    const report: ReconcileReport = {
      checked: 0,
      enqueued: 0,
      settled: 0,
      abandonedVersions: 0,
      sweptChunkedJobs: 0,
    };
    for (const row of await jobs.listUnowned()) {
      if (row.createdAt.getTime() > cutoff) continue;
      report.checked++;
      const outcome = await this.reconcileRow(row);
      if (outcome === 'enqueued') report.enqueued++;
      if (outcome === 'settled') report.settled++;
    }
    report.abandonedVersions = await this.cleanAbandonedVersions();
    report.sweptChunkedJobs = await this.options.chunkParts.sweepEnded();
    return report;
  }

  /**
   * A training job that failed or was cancelled after taking a version number leaves that version PENDING,
   * perhaps with some artifacts: nothing will finish it. Its objects are removed, then it is marked FAILED
   * (in that order, so a pass cut short by an S3 outage is completed by the next one).
   */
  private async cleanAbandonedVersions(): Promise<number> {
    const { models, artifacts, store } = this.options;
    let cleaned = 0;
    for (const version of await models.listAbandoned()) {
      for (const object of await artifacts.list(version.artifactUri)) await store.delete(object.uri);
      if (await models.markAbandoned(version.version)) cleaned++;
    }
    return cleaned;
  }

  private async reconcileRow(row: JobRow): Promise<'enqueued' | 'settled' | 'unchanged'> {
    const { jobs, producer } = this.options;
    let queued: QueuedJob;
    try {
      queued = queuedJobOf(row.type, row.input, row.id, row.inputVersions);
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
      // As at submission: payload built from the row, fair-share priority its place in its owner's backlog now.
      await this.recorded.enqueue(row, queued);
      return 'enqueued';
    }
    // The runner marks the row before BullMQ fails a job; a failed job with an unfinished row was failed by
    // BullMQ itself (stalled more than maxStalledCount times: it kills its workers), so it ends here.
    const reason = (await queue.getJob(row.id))?.failedReason ?? 'no reason recorded';
    const message = `the queue gave up on the job: ${reason}`;
    return (await jobs.markFailed(row.id, { code: 'INTERNAL', message })) ? 'settled' : 'unchanged';
  }
}
