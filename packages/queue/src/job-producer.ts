import { JOBS, type JobName, type JobPayload, QUEUES, type QueueRole } from '@shelfwise/contracts';
import { FlowProducer, type Job, type JobsOptions, Queue } from 'bullmq';
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
  private flows: FlowProducer | undefined;

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
        defaultJobOptions: this.defaultJobOptions(),
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

  /**
   * Adds `children` as BullMQ children of the job `parent` (`queue`: its queue's qualified name), all or
   * none (FlowProducer.addBulk): the parent, moved to waiting-children, runs again once every child has
   * completed; a child that fails for good fails the parent. A child id that exists already is left as it
   * is, so adding the same children again (the parent restarted) starts nothing twice.
   */
  async addChildren<N extends JobName>(
    parent: { id: string; queue: string },
    name: N,
    children: readonly { id: string; payload: JobPayload<N> }[],
  ): Promise<void> {
    const definition = JOBS[name];
    this.flows ??= new FlowProducer({ connection: this.options.connection, prefix: this.options.prefix });
    await this.flows.addBulk(
      children.map(({ id, payload }) => ({
        name,
        queueName: QUEUES[definition.queue],
        data: definition.payload.parse(payload),
        opts: { ...this.defaultJobOptions(), jobId: id, parent, failParentOnFailure: true },
      })),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.flows?.close();
  }

  private defaultJobOptions(): JobsOptions {
    return {
      attempts: this.options.attempts,
      backoff: { type: 'exponential', delay: this.options.backoffMs },
      // Redis holds the queue only; MySQL keeps the history.
      removeOnComplete: { age: 3_600, count: 1_000 },
      removeOnFail: { age: 24 * 3_600 },
    };
  }
}
