import {
  JOBS,
  type JobName,
  type JobPayload,
  type PayloadBody,
  QUEUE_NAMES,
  type QueuedJob,
  type QueueName,
  queuedJob,
} from '@shelfwise/contracts';
import { FlowProducer, type Job, type JobsOptions, Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';

export interface ProducerOptions {
  /** One server or a Redis Cluster (every queue's keys share the prefix's hash tag, so one slot). */
  connection: Redis | Cluster;
  prefix: string;
  /** Attempts and exponential backoff of the jobs the catalog lets retry (`attempts: 'configured'`). */
  attempts: number;
  backoffMs: number;
}

/**
 * The one way onto a queue: the payload is checked against its catalog schema before it reaches Redis,
 * each job gets its catalog options (attempts, backoff, retention), and the BullMQ job id is the MySQL row
 * id, so adding the same job twice is a no-op.
 */
export class JobProducer {
  private readonly queues = new Map<QueueName, Queue>();
  private flows: FlowProducer | undefined;

  constructor(private readonly options: ProducerOptions) {}

  /** The queues' Redis connection; the gateway's rate limiter counts on it too (one connection per process). */
  get redis(): Redis | Cluster {
    return this.options.connection;
  }

  get prefix(): string {
    return this.options.prefix;
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.options.connection, prefix: this.options.prefix });
      this.queues.set(name, queue);
    }
    return queue;
  }

  allQueues(): Queue[] {
    return QUEUE_NAMES.map((name) => this.queue(name));
  }

  /** The catalog's options of a job: its attempts and backoff, and what Redis keeps of it once ended. */
  jobOptions(name: JobName): JobsOptions {
    const { attempts, retention } = JOBS[name];
    const retries =
      attempts === 'once'
        ? { attempts: 1 }
        : {
            attempts: this.options.attempts,
            backoff: { type: 'exponential', delay: this.options.backoffMs },
          };
    return { ...retries, ...retention };
  }

  /** `options` add to the job's catalog options (e.g. its fair-share priority). */
  async enqueue(job: QueuedJob, jobId?: string, options: Pick<JobsOptions, 'priority'> = {}): Promise<Job> {
    const definition = JOBS[job.name];
    const data = definition.payload.parse(job.payload);
    const jobOptions = { ...this.jobOptions(job.name), ...options };
    return this.queue(definition.queue).add(job.name, data, jobId ? { ...jobOptions, jobId } : jobOptions);
  }

  /**
   * Adds `children` as BullMQ children of the job `parent` (`queue`: its queue's qualified name), all or
   * none (FlowProducer.addBulk), each with its catalog options: the parent, moved to waiting-children, runs
   * again once every child has completed; a child that fails for good fails the parent. A child id that
   * exists already is left as it is, so adding the same children again (the parent ran again) starts
   * nothing twice.
   */
  async addChildren<N extends JobName>(
    parent: { id: string; queue: string },
    name: N,
    children: readonly { id: string; body: PayloadBody<JobPayload<N>> }[],
  ): Promise<void> {
    const definition = JOBS[name];
    this.flows ??= new FlowProducer({ connection: this.options.connection, prefix: this.options.prefix });
    await this.flows.addBulk(
      children.map(({ id, body }) => ({
        name,
        queueName: definition.queue,
        // The catalog's current version, as `queuedJob` writes it for a job of its own.
        data: queuedJob(name, body).payload,
        opts: { ...this.jobOptions(name), jobId: id, parent, failParentOnFailure: true },
      })),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    await this.flows?.close();
  }
}
