import { randomUUID } from 'node:crypto';
import { Registry, WorkerMetrics } from '@shelfwise/metrics';
import { JobProducer, RecordedJobQueue } from '@shelfwise/queue';
import { uniquePrefix } from '@shelfwise/test-kit';
import { type Job, Queue, type Worker } from 'bullmq';
import { startConsumers } from '../src/consumers';
import { type Dependency, DependencyOutageGuard, outageOf } from '../src/dependency-outage-guard';
import type { JobContext, JobOutcome } from '../src/job-context';
import { handlerTable } from '../src/job-handlers';
import { JobRunner } from '../src/job-runner';
import { RunningJobs } from '../src/run/running-jobs';
import { endedJob, type WorkerServices } from './worker-services';

/** The BullMQ lock and the MySQL lease: short, so a cancel is seen within a heartbeat (a third of it). */
const LEASE_MS = 1_200;
/** Long enough to read the row between a failed attempt and its retry. */
const BACKOFF_MS = 1_000;

export type ScriptedOutcome = JobOutcome<{
  output_uri: string;
  rows: number;
  labelled_rows: number;
  feedback_uri: null;
  model_version: number;
  metrics: null;
}>;
/** What the handler does for one job, per attempt (1, 2, …). */
export type Script = (context: JobContext, attempt: number) => Promise<ScriptedOutcome>;

/** A predict-csv outcome as the real handler returns one. */
export const scriptedOutcome = (jobId: string, rows = 1): ScriptedOutcome => ({
  outputUri: `s3://inference/${jobId}/predictions.csv`,
  result: {
    output_uri: `s3://inference/${jobId}/predictions.csv`,
    rows,
    labelled_rows: 0,
    feedback_uri: null,
    model_version: 1,
    metrics: null,
  },
});

export interface ScriptedRunner {
  registry: Registry;
  /** The inference queue of this runner's prefix. */
  queue: Queue;
  /** The BullMQ Worker on the inference queue. */
  consumer: Worker;
  /** Handler starts per job id (the attempt number of the last one). */
  calls: Map<string, number>;
  /** Every error the consumer saw a job fail with, by job id, in order. */
  failures: Map<string, Error[]>;
  /** A recorded predict-csv job: the row as the gateway writes it, then the queue entry (same id). */
  submit(script: Script, attempts: number): Promise<string>;
  /** Enqueues a recorded job again from its row, as the reconciler does once Redis lost it. */
  redeliver(id: string): Promise<void>;
  /** The queue entry once BullMQ is done with it (completed, or failed for good). */
  ended(id: string): Promise<Job>;
  close(): Promise<void>;
}

export interface ScriptedRunnerOptions {
  /** The watchdog's setting (default: far longer than any test). */
  stallTimeoutMs?: number;
  /** Given: the outage guard sits between the consumer and the runner, as createWorker puts it. */
  dependencies?: Dependency[];
}

/**
 * The real JobRunner, MySQL rows, BullMQ queue and consumer (wired as createWorker wires them) with a queue
 * prefix of its own; only the predict-csv handler is scripted per job, so that each state of the row
 * lifecycle can be reached on purpose.
 */
export async function startScriptedRunner(
  services: WorkerServices,
  options: ScriptedRunnerOptions = {},
): Promise<ScriptedRunner> {
  const prefix = uniquePrefix('runner');
  const dependencies = options.dependencies ?? [];
  // Attempts are the producer's setting (JOB_ATTEMPTS): one producer per number a test asks for.
  const producers = new Map<number, JobProducer>();
  const producerFor = (attempts: number) => {
    let producer = producers.get(attempts);
    if (!producer) {
      producer = new JobProducer({
        connection: services.connection,
        prefix,
        attempts,
        backoffMs: BACKOFF_MS,
      });
      producers.set(attempts, producer);
    }
    return producer;
  };
  const submission = (attempts: number) => new RecordedJobQueue(services.jobs, producerFor(attempts));
  const scripts = new Map<string, Script>();
  const calls = new Map<string, number>();
  const registry = new Registry();
  const runner = new JobRunner({
    handlers: handlerTable(
      [
        {
          name: 'predict-csv',
          handler: {
            kind: 'recorded',
            run: async (_payload, context) => {
              const attempt = (calls.get(context.jobId) ?? 0) + 1;
              calls.set(context.jobId, attempt);
              const script = scripts.get(context.jobId);
              if (!script) throw new Error(`no script for job ${context.jobId}`);
              return script(context, attempt);
            },
          },
        },
        {
          // Served on the same queue, never given one here: scripted jobs do not split into chunks.
          name: 'predict-chunk',
          handler: {
            kind: 'direct',
            run: async () => {
              throw new Error('no chunk jobs in a scripted runner');
            },
          },
        },
      ],
      ['inference'],
    ),
    jobs: services.jobs,
    logger: services.logger,
    metrics: new WorkerMetrics(registry),
    leaseMs: () => LEASE_MS,
    stallTimeoutMs: options.stallTimeoutMs ?? 60_000,
    isOutage: (error) => outageOf(dependencies, error) !== undefined,
    running: new RunningJobs({ inference: 1 }),
    producer: producerFor(1),
  });
  const guard = new DependencyOutageGuard(runner, dependencies, services.logger);
  const [consumer] = startConsumers({
    queues: ['inference'],
    concurrency: { inference: 1, online: 1, training: 1 },
    connection: services.connection,
    prefix,
    runner: options.dependencies ? guard : runner,
    logger: services.logger,
    lockMs: LEASE_MS,
  });
  if (!consumer) throw new Error('no consumer started');
  guard.watch([consumer]);
  const failures = new Map<string, Error[]>();
  consumer.on('failed', (job, error) => {
    if (job?.id) failures.set(job.id, [...(failures.get(job.id) ?? []), error]);
  });
  const queue = new Queue('inference', { connection: services.connection, prefix });
  return {
    registry,
    queue,
    consumer,
    calls,
    failures,
    async submit(script, attempts) {
      // The script is in place before the consumer can take the job.
      const id = randomUUID();
      scripts.set(id, script);
      await submission(attempts).submit({
        id,
        type: 'PREDICT_CSV',
        input: { input_file_s3: 's3://dataset/input.csv' },
      });
      return id;
    },
    async redeliver(id) {
      const row = await services.jobs.findById(id);
      if (!row) throw new Error(`job ${id} has no row`);
      await submission(1).enqueue(row);
    },
    ended: (id) => endedJob(queue, id),
    async close() {
      guard.stop();
      await consumer.close();
      await queue.obliterate({ force: true });
      await queue.close();
      for (const producer of producers.values()) await producer.close();
    },
  };
}
