import { JOBS, type JobName, QUEUE_NAMES, type QueuedJob, type QueueName } from '@shelfwise/contracts';
import { type Job, type JobsOptions, Queue } from 'bullmq';
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

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }
}
