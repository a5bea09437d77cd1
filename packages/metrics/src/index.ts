export { Registry } from 'prom-client';
export { exportedNames } from './exported-names';
export {
  type GatewayMetricSources,
  GatewayMetrics,
  type KeyLookupOutcome,
  type MonitoredModel,
  type QueueDepth,
} from './gateway-metrics';
export { type JobOutcomeLabel, METRIC, type MetricName, QUEUE_STATES, type QueueState } from './metric-names';
export { metricsRoute } from './metrics-route';
export { WorkerMetrics } from './worker-metrics';
