import { Counter, collectDefaultMetrics, Gauge, Histogram, type Registry } from 'prom-client';
import { coalesce } from './coalesce';
import { METRIC, QUEUE_STATES, type QueueState } from './metric-names';

const HTTP_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface QueueDepth {
  queue: string;
  counts: Record<QueueState, number>;
  oldestWaitingAgeSeconds: number;
}

export interface MonitoredModel {
  version: number;
  stage: string;
  weightedF1: number;
  minF1: number;
}

/** Reads made on each scrape, so the figures come from Redis and MySQL, not from one process's memory. */
export interface GatewayMetricSources {
  queues(): Promise<QueueDepth[]>;
  monitoredModels(): Promise<MonitoredModel[]>;
  /** Shadow scores of versions newer than the serving one (their `stage` is not used); none if absent. */
  shadowModels?(): Promise<Omit<MonitoredModel, 'stage'>[]>;
  minF1AlertThreshold: number;
  /** Bound on each read: a scrape must answer even while Redis or MySQL hangs (default 2 s). */
  timeoutMs?: number;
}

/**
 * What the gateway exports: HTTP timings, queue depth and model quality. A failed read leaves its
 * gauges empty for that scrape and counts an error, so the rest of the scrape (and /metrics) still answers.
 */
/** What happened to a presented API key: looked up in MySQL, or answered without a lookup. */
export type KeyLookupOutcome = 'found' | 'unknown' | 'cached' | 'refused';

export class GatewayMetrics {
  private readonly http: Histogram<'method' | 'route' | 'status'>;
  private readonly keyLookups: Counter<'outcome'>;

  constructor(
    readonly registry: Registry,
    sources: GatewayMetricSources,
  ) {
    collectDefaultMetrics({ register: registry });
    const registers = [registry];
    const timeoutMs = sources.timeoutMs ?? 2_000;
    const read = <T>(source: string, load: () => Promise<T>) =>
      coalesce(async (): Promise<T | undefined> => {
        try {
          return await bounded(load(), timeoutMs, source);
        } catch {
          errors.inc({ source });
          return undefined;
        }
      });
    const queues = read('redis', sources.queues);
    const models = read('mysql', sources.monitoredModels);
    const shadows = read('mysql', sources.shadowModels ?? (async () => []));
    const errors = new Counter({
      name: METRIC.sourceErrors,
      help: 'Scrape-time reads that failed or timed out, by source',
      labelNames: ['source'],
      registers,
      // Metrics are collected concurrently: wait for this scrape's reads so their failures show in it.
      async collect() {
        await Promise.all([queues(), models(), shadows()]);
      },
    });

    this.keyLookups = new Counter({
      name: METRIC.apiKeyLookups,
      help: 'API keys checked against MySQL (found, unknown) or answered without a lookup (cached, refused)',
      labelNames: ['outcome'],
      registers,
    });
    this.http = new Histogram({
      name: METRIC.httpRequestDuration,
      help: 'Gateway HTTP requests, by method, matched route and status, in seconds',
      labelNames: ['method', 'route', 'status'],
      buckets: HTTP_SECONDS,
      registers,
    });
    new Gauge({
      name: METRIC.queueJobs,
      help: 'Jobs per queue and BullMQ state, read from Redis on each scrape',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const depth of (await queues()) ?? []) {
          for (const state of QUEUE_STATES) this.set({ queue: depth.queue, state }, depth.counts[state]);
        }
      },
    });
    new Gauge({
      name: METRIC.queueOldestWaitingAge,
      help: 'Age of the oldest waiting job per queue, in seconds (0: none waits)',
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        for (const depth of (await queues()) ?? [])
          this.set({ queue: depth.queue }, depth.oldestWaitingAgeSeconds);
      },
    });
    const quality = (name: string, help: string, pick: (model: MonitoredModel) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['model_version', 'stage'],
        registers,
        async collect() {
          this.reset();
          for (const model of (await models()) ?? []) {
            this.set({ model_version: String(model.version), stage: model.stage }, pick(model));
          }
        },
      });
    quality(
      METRIC.monitoredF1,
      'Weighted F1 of the latest monitored inference job, per model version',
      (m) => m.weightedF1,
    );
    quality(
      METRIC.monitoredMinF1,
      'Lowest per-class F1 of the latest monitored inference job, per model version',
      (m) => m.minF1,
    );
    const shadowQuality = (name: string, help: string, pick: (model: MonitoredModel) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['model_version'],
        registers,
        async collect() {
          this.reset();
          for (const model of (await shadows()) ?? [])
            this.set({ model_version: String(model.version) }, pick({ ...model, stage: 'NONE' }));
        },
      });
    shadowQuality(
      METRIC.shadowF1,
      'Weighted F1 of a version newer than the serving one, on the latest verified rows it did not train on',
      (m) => m.weightedF1,
    );
    shadowQuality(
      METRIC.shadowMinF1,
      'Lowest per-class F1 of a version newer than the serving one, on the same rows',
      (m) => m.minF1,
    );
    new Gauge({
      name: METRIC.minF1AlertThreshold,
      help: 'MIN_F1_ALERT_THRESHOLD: the monitored min F1 below which the alert fires',
      registers,
    }).set(sources.minF1AlertThreshold);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
  }

  countKeyLookup(outcome: KeyLookupOutcome): void {
    this.keyLookups.inc({ outcome });
  }
}

function bounded<T>(work: Promise<T>, timeoutMs: number, source: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${source} gave no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
