import { randomUUID } from 'node:crypto';
import { JOBS, type JobResult } from '@shelfwise/contracts';
import type { Logger } from '@shelfwise/logger';
import type { JobProducer } from '@shelfwise/queue';
import type { QueueEvents } from 'bullmq';
import { UnavailableError } from '../errors/unavailable-error';
import { withDeadline } from '../with-deadline';

export type OnlinePrediction = JobResult<'predict-online'>;

type Outcome = { ok: true; value: unknown } | { ok: false; reason: string };

// A synchronous request has its own caller waiting: no retries, and nothing kept in Redis afterwards.
const ONLINE_JOB = { attempts: 1, removeOnComplete: true, removeOnFail: true } as const;

const NO_MODEL_MESSAGE =
  'no model version is serving yet: train one with POST /v1/train/csv ' +
  '(then promote it with POST /v1/models/:version/promote if it was not promoted automatically)';

/**
 * Synchronous predictions through the `online` queue: add a job, wait for its answer on the QueueEvents
 * made once at start-up, never longer than `timeoutMs`. No MySQL on this path.
 *
 * It waits the way `job.waitUntilFinished` does (completed/failed events of the queue), but registers
 * before adding the job under an id of its own. That saves waitUntilFinished's extra Redis round trip
 * (its "already finished?" check) and avoids its async promise executor, whose rejection when Redis
 * drops at that moment is unhandled and would take the whole process down.
 */
export class OnlinePredictor {
  private readonly waiting = new Map<string, (outcome: Outcome) => void>();

  constructor(
    private readonly producer: JobProducer,
    events: QueueEvents,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
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
    const started = performance.now();
    const jobId = randomUUID();
    // Listening before the job exists: its answer cannot come before we wait for it.
    const outcome = new Promise<Outcome>((settle) => this.waiting.set(jobId, settle));
    try {
      await this.add(jobId, texts);
      const left = Math.max(1, this.timeoutMs - (performance.now() - started));
      const answer = await withDeadline(outcome, left, () => this.timedOut());
      if (!answer.ok) throw this.failure(answer.reason);
      return JOBS['predict-online'].result.parse(answer.value);
    } catch (error) {
      if (error instanceof UnavailableError && error.code === 'TIMEOUT') await this.discard(jobId);
      throw error;
    } finally {
      this.waiting.delete(jobId);
    }
  }

  private async add(jobId: string, texts: string[]): Promise<void> {
    try {
      await withDeadline(
        this.producer.enqueue('predict-online', { v: 1, texts }, jobId, ONLINE_JOB),
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
  private async discard(jobId: string): Promise<void> {
    try {
      await this.producer.queue('online').remove(jobId);
    } catch {
      // Locked by a worker: it finishes, and removeOnComplete drops the answer.
    }
  }

  private failure(reason: string): Error {
    // The worker fails an online job with `<code>: <message>` (its job runner's direct path).
    if (reason.startsWith('NO_MODEL:')) return new UnavailableError('NO_MODEL', NO_MODEL_MESSAGE);
    return new Error(`online prediction failed: ${reason}`);
  }
}
