import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import { type JobOutcomeLabel, METRIC } from './metric-names';

// From online predictions (milliseconds) to long training runs (hours).
const JOB_SECONDS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600, 1_800, 3_600, 7_200];
const LOAD_SECONDS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** What a worker process measures, registered on the process's own registry (plus Node's defaults). */
export class WorkerMetrics {
  private readonly jobs: Counter<'type' | 'outcome'>;
  private readonly jobDuration: Histogram<'type' | 'outcome'>;
  private readonly rows: Counter<'model_version'>;
  private readonly modelLoad: Histogram;
  private readonly servingVersion: Gauge;

  constructor(readonly registry: Registry) {
    collectDefaultMetrics({ register: registry });
    const registers = [registry];
    this.jobs = new Counter({
      name: METRIC.jobs,
      help: 'Jobs a worker finished, by job type and outcome',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.jobDuration = new Histogram({
      name: METRIC.jobDuration,
      help: 'Time spent on one attempt of a job, in seconds',
      labelNames: ['type', 'outcome'],
      buckets: JOB_SECONDS,
      registers,
    });
    this.rows = new Counter({
      name: METRIC.rowsPredicted,
      help: 'Texts run through a model (CSV rows and online texts)',
      labelNames: ['model_version'],
      registers,
    });
    this.modelLoad = new Histogram({
      name: METRIC.modelLoad,
      help: 'Time to download a model version and open its session, in seconds',
      buckets: LOAD_SECONDS,
      registers,
    });
    this.servingVersion = new Gauge({
      name: METRIC.modelServingVersion,
      help: 'Model version this worker serves (0: none yet)',
      registers,
    });
  }

  jobFinished(type: string, outcome: JobOutcomeLabel, seconds: number): void {
    this.jobs.inc({ type, outcome });
    this.jobDuration.observe({ type, outcome }, seconds);
  }

  rowsPredicted(count: number, modelVersion: number): void {
    this.rows.inc({ model_version: String(modelVersion) }, count);
  }

  modelLoaded(version: number, seconds: number): void {
    this.modelLoad.observe(seconds);
    this.servingVersion.set(version);
  }
}
