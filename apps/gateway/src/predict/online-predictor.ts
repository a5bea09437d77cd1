import { randomUUID } from 'node:crypto';
import { JOBS, queuedJob, readJobFailureReason } from '@shelfwise/contracts';
import type { Logger } from '@shelfwise/logger';
import { type JobProducer, withDeadline } from '@shelfwise/queue';
import type { QueueEvents } from 'bullmq';
import { UnavailableError } from '../errors/unavailable-error';
import { OnlineBatch, type OnlinePrediction } from './online-batch';

export type { OnlinePrediction } from './online-batch';

type Outcome = { ok: true; value: unknown } | { ok: false; reason: string };

/** Micro-batching of concurrent requests (PREDICT_BATCH_MAX_TEXTS, PREDICT_BATCH_MAX_WAIT_MS). */
export interface OnlineBatching {
  /** A batch is sent as soon as it holds this many texts (at most the payload's 1,000). */
  maxTexts: number;
  /** ... or this long after its first request came, whichever is first. */
  maxWaitMs: number;
}

const NO_MODEL_MESSAGE =
  'no model version is serving yet: train one with POST /v1/train/csv ' +
  '(then promote it with POST /v1/models/:version/promote if it was not promoted automatically)';

/**
 * Synchronous predictions through the `online` queue, micro-batched: concurrent requests gathered for up
 * to `maxWaitMs` (or until `maxTexts`) become one job, so one queue round trip and one ONNX run serve them
 * all. Each request keeps its own deadline (`timeoutMs` from its arrival) and gets only its own texts'
 * predictions. Requests are validated before they join, so one request's bad input never reaches a batch;
 * what fails a job (Redis unreachable, no model, the worker) is a cause its members share. No MySQL here.
 *
 * It waits the way `job.waitUntilFinished` does (completed/failed events of the queue), but registers
 * before adding the job under an id of its own. That saves waitUntilFinished's extra Redis round trip
 * (its "already finished?" check) and avoids its async promise executor, whose rejection when Redis
 * drops at that moment is unhandled and would take the whole process down.
 */
export class OnlinePredictor {
  private readonly waiting = new Map<string, (outcome: Outcome) => void>();
  private open: OnlineBatch | undefined;
  /** Batches sent and not yet answered. */
  private inFlight = 0;

  constructor(
    private readonly producer: JobProducer,
    events: QueueEvents,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly batching: OnlineBatching = { maxTexts: 256, maxWaitMs: 1 },
  ) {
    // One listener pair for all requests; events for jobs of other gateway replicas find no waiter.
    events.on('completed', ({ jobId, returnvalue }) =>
      this.waiting.get(jobId)?.({ ok: true, value: returnvalue }),
    );
    events.on('failed', ({ jobId, failedReason }) =>
      this.waiting.get(jobId)?.({ ok: false, reason: failedReason }),
    );
  }

  async predict(texts: string[]): Promise<OnlinePrediction> {
    const batch = this.batchFor(texts.length);
    const prediction = batch.join(texts);
    if (batch.size >= this.batching.maxTexts) this.send(batch);
    try {
      return await withDeadline(prediction, this.timeoutMs, () => this.timedOut());
    } catch (error) {
      // The last one to stop waiting drops the job, so no worker runs it for nobody.
      if (error instanceof UnavailableError && error.code === 'TIMEOUT' && batch.leave()) {
        await this.discard(batch);
      }
      throw error;
    }
  }

  /** The open batch if these texts fit in it; else a new one (the full one is sent first). */
  private batchFor(count: number): OnlineBatch {
    if (this.open && this.open.size + count > this.batching.maxTexts) this.send(this.open);
    if (!this.open) this.open = this.newBatch();
    return this.open;
  }

  /**
   * Adaptive: with no batch in flight there is nothing to wait for, so a batch goes at the end of this turn
   * of the event loop (gathering the requests read together); while batches run, the next one gathers for
   * up to `maxWaitMs`.
   */
  private newBatch(): OnlineBatch {
    if (this.inFlight === 0) {
      const immediate = setImmediate(() => this.send(batch));
      const batch: OnlineBatch = new OnlineBatch(() => clearImmediate(immediate));
      return batch;
    }
    const timer = setTimeout(() => this.send(batch), this.batching.maxWaitMs);
    const batch: OnlineBatch = new OnlineBatch(() => clearTimeout(timer));
    return batch;
  }

  /** Closes the batch and runs it as one job; its members are answered when the job ends. */
  private send(batch: OnlineBatch): void {
    if (this.open === batch) this.open = undefined;
    batch.cancelTimer();
    if (batch.sent) return;
    this.inFlight++;
    const id = randomUUID();
    // Listening before the job exists: its answer cannot come before we wait for it.
    const outcome = new Promise<Outcome>((settle) => this.waiting.set(id, settle));
    const added = this.add(id, batch.texts());
    batch.sent = { jobId: id, added: added.catch(() => undefined) };
    void (async () => {
      try {
        await added;
        // Every member's own deadline ends before this one: it only frees the listener of a lost job.
        const answer = await withDeadline(outcome, this.timeoutMs, () => this.timedOut());
        if (!answer.ok) throw this.failure(answer.reason);
        batch.answer(JOBS.online.result.parse(answer.value));
      } catch (error) {
        batch.fail(error instanceof Error ? error : new Error(String(error)));
      } finally {
        this.waiting.delete(id);
        this.inFlight--;
      }
    })();
  }

  private async add(jobId: string, texts: string[]): Promise<void> {
    try {
      await withDeadline(
        this.producer.enqueue(queuedJob('online', { texts }), jobId),
        this.timeoutMs,
        () => new Error(`Redis did not accept the job within ${this.timeoutMs} ms`),
      );
    } catch (error) {
      this.logger.warn({ err: error }, 'online prediction could not be queued');
      throw new UnavailableError('UNAVAILABLE', 'the prediction queue is unreachable; retry later', {
        retryAfterSeconds: 5,
      });
    }
  }

  private timedOut(): UnavailableError {
    return new UnavailableError('TIMEOUT', `no prediction within ${this.timeoutMs} ms; retry later`, {
      retryAfterSeconds: 1,
    });
  }

  /** A job no one waits for any more must not run later: drop it unless a worker already holds it. */
  private async discard(batch: OnlineBatch): Promise<void> {
    // Sent by now: a member's deadline (PREDICT_TIMEOUT_MS ≥ 100) is longer than the batch's wait (≤ 50).
    if (!batch.sent) return;
    await batch.sent.added;
    try {
      await this.producer.queue('online').remove(batch.sent.jobId);
    } catch {
      // Locked by a worker: it finishes, and removeOnComplete drops the answer.
    }
  }

  private failure(reason: string): Error {
    // The worker's job runner writes a permanent failure of an online job as data (jobFailureReason).
    if (readJobFailureReason(reason)?.code === 'NO_MODEL')
      return new UnavailableError('NO_MODEL', NO_MODEL_MESSAGE);
    return new Error(`online prediction failed: ${reason}`);
  }
}
