import { JOBS, type JobName, type JobPayload, QUEUES, type QueueRole } from '@shelfwise/contracts';
import { type Job, type JobsOptions, Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

export interface ProducerOptions {
  /** One server or a Redis Cluster (every queue's keys share the prefix's hash tag, so one slot). */
  connection: Redis | Cluster;
  prefix: string;
  attempts: number;
  backoffMs: number;
}

/**
 * The one way onto a queue: the payload is checked against its catalog schema before it reaches Redis,
 * and the BullMQ job id is the MySQL row id, so adding the same job twice is a no-op.
 */
export class JobProducer {
  private readonly queues = new Map<QueueRole, Queue>();

  constructor(private readonly options: ProducerOptions) {}

  /** The queues' Redis connection; the gateway's rate limiter counts on it too (one connection per process). */
  get redis(): Redis | Cluster {
    return this.options.connection;
  }

  get prefix(): string {
    return this.options.prefix;
  }

  queue(role: QueueRole): Queue {
    let queue = this.queues.get(role);
    if (!queue) {
      queue = new Queue(QUEUES[role], {
        connection: this.options.connection,
        prefix: this.options.prefix,
        defaultJobOptions: {
          attempts: this.options.attempts,
          backoff: { type: 'exponential', delay: this.options.backoffMs },
          // Redis holds the queue only; MySQL keeps the history.
          removeOnComplete: { age: 3_600, count: 1_000 },
          removeOnFail: { age: 24 * 3_600 },
        },
      });
      this.queues.set(role, queue);
    }
    return queue;
  }

  allQueues(): Queue[] {
    return (Object.keys(QUEUES) as QueueRole[]).map((role) => this.queue(role));
  }

  /** `options` override the queue's defaults for this one job (e.g. online predictions: one attempt, no history). */
  async enqueue<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    jobId?: string,
    options: Omit<JobsOptions, 'jobId'> = {},
  ): Promise<Job> {
    const definition = JOBS[name];
    const data = definition.payload.parse(payload);
    return this.queue(definition.queue).add(name, data, jobId ? { ...options, jobId } : options);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
