import { JOBS, jobOfType } from '@shelfwise/contracts';
import type { Job, JobRepository } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { type JobProducer, withDeadline } from '@shelfwise/queue';
import { ConflictError } from '../errors/conflict-error';
import { NotFoundError } from '../errors/not-found-error';

const REDIS_DEADLINE_MS = 2_000;

/**
 * Cancels a QUEUED or RUNNING job. The row is the truth: once it says CANCELLED no worker starts the job,
 * and a running one stops at its next check. Removing the queued copy from Redis only saves a worker a trip.
 */
export class JobCanceller {
  constructor(
    private readonly jobs: JobRepository,
    private readonly producer: JobProducer,
    private readonly logger: Logger,
  ) {}

  async cancel(id: string): Promise<Job> {
    const job = await this.jobs.findById(id);
    if (!job) throw new NotFoundError(`no job ${id}`);
    if (!(await this.jobs.markCancelled(id))) {
      const status = (await this.jobs.findById(id))?.status ?? job.status;
      throw new ConflictError(
        `job ${id} is already ${status}; only QUEUED or RUNNING jobs can be cancelled`,
        {
          status,
        },
      );
    }
    await this.discardQueued(job);
    return (await this.jobs.findById(id)) ?? job;
  }

  private async discardQueued(job: Job): Promise<void> {
    const queue = this.producer.queue(JOBS[jobOfType(job.type)].queue);
    try {
      await withDeadline(
        (async () => {
          const queued = await queue.getJob(job.id);
          await queued?.remove();
        })(),
        REDIS_DEADLINE_MS,
        () => new Error('Redis did not answer'),
      );
    } catch (error) {
      // An active job is locked by its worker and cannot be removed; that worker sees the CANCELLED row.
      this.logger.info({ jobId: job.id, reason: String(error) }, 'cancelled job left in the queue');
    }
  }
}
