/**
 * Every metric name the system exports, in one place: the apps register them, the Grafana dashboard and
 * alert rule query them, and tests/infra/grafana.test.ts checks that every query names one of these.
 */
export const METRIC = {
  /** Counter{type, outcome}: jobs a worker finished, by job name and how they ended. */
  jobs: 'shelfwise_jobs_total',
  /** Histogram{type, outcome}: how long a worker spent on one attempt of a job. */
  jobDuration: 'shelfwise_job_duration_seconds',
  /** Counter{model_version}: texts run through a model (CSV rows and online texts); Grafana takes rate(). */
  rowsPredicted: 'shelfwise_rows_predicted_total',
  /** Histogram: download + session creation time of a model version, observed on each swap. */
  modelLoad: 'shelfwise_model_load_seconds',
  /** Gauge: the model version a worker serves (0 while it has none). */
  modelServingVersion: 'shelfwise_model_serving_version',
  /**
   * Gauge{queue, state}: BullMQ job counts (waiting, prioritized, active, delayed, failed), read on each
   * scrape. Fair-shared jobs carry a priority and sit in `prioritized`, not in `waiting`: the backlog is both.
   */
  queueJobs: 'shelfwise_queue_jobs',
  /** Gauge{queue}: age of the oldest job still waiting (0 when none waits). */
  queueOldestWaitingAge: 'shelfwise_queue_oldest_waiting_age_seconds',
  /** Gauge{model_version, stage}: weighted F1 of the latest monitored inference job, from MySQL. */
  monitoredF1: 'shelfwise_model_monitored_f1',
  /** Gauge{model_version, stage}: lowest per-class F1 of the latest monitored inference job, from MySQL. */
  monitoredMinF1: 'shelfwise_model_monitored_min_f1',
  /**
   * Gauge{model_version}: weighted F1 of a READY version newer than the serving one (shadow-scored), on the
   * latest predict job's verified rows it did not train on.
   */
  shadowF1: 'shelfwise_model_shadow_f1',
  /** Gauge{model_version}: the same shadow score's lowest per-class F1. */
  shadowMinF1: 'shelfwise_model_shadow_min_f1',
  /** Gauge: MIN_F1_ALERT_THRESHOLD, exported so the alert rule and the dashboard read the configured value. */
  minF1AlertThreshold: 'shelfwise_model_min_f1_alert_threshold',
  /** Histogram{method, route, status}: gateway HTTP requests; route is the matched pattern, never the raw path. */
  httpRequestDuration: 'shelfwise_http_request_duration_seconds',
  /**
   * Counter{outcome}: API keys the gateway checked against MySQL (`found`, `unknown`) or answered without a
   * lookup (`cached`: a key lately unknown; `refused`: the client address is over UNKNOWN_KEYS_PER_MINUTE).
   */
  apiKeyLookups: 'shelfwise_api_key_lookups_total',
  /** Counter{source}: scrape-time reads (Redis queue counts, MySQL monitoring rows) that failed or timed out. */
  sourceErrors: 'shelfwise_metrics_source_errors_total',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The BullMQ states exported per queue. */
export const QUEUE_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** How a worker's attempt at a job ended; `waiting`: it handed the job to its chunks and runs again after them. */
export type JobOutcomeLabel = 'succeeded' | 'failed' | 'retrying' | 'cancelled' | 'skipped' | 'waiting';
