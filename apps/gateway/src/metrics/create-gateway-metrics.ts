import { type Db, MonitoringRepository, ShadowScoreRepository } from '@shelfwise/db';
import { GatewayMetrics, type Registry } from '@shelfwise/metrics';
import type { Queue } from 'bullmq';
import { queueDepths } from './queue-depths';

// Gauges per model version: the newest ones are what dashboards and the alert look at.
const MONITORED_VERSIONS = 20;

export interface GatewayMetricsOptions {
  /** The process's registry, made in main.ts. */
  registry: Registry;
  minF1AlertThreshold: number;
}

/**
 * Queue depth and model quality are read from Redis and MySQL on each scrape, not kept in a process:
 * any gateway replica reports the same figures, and they survive worker restarts.
 */
export function createGatewayMetrics(
  options: GatewayMetricsOptions,
  queues: Queue[],
  db: Db,
): GatewayMetrics {
  const monitoring = new MonitoringRepository(db);
  const shadowScores = new ShadowScoreRepository(db);
  return new GatewayMetrics(options.registry, {
    queues: () => queueDepths(queues),
    monitoredModels: () => monitoring.latestPerModelVersion(MONITORED_VERSIONS),
    shadowModels: () => shadowScores.latestPerModelVersion(MONITORED_VERSIONS),
    minF1AlertThreshold: options.minF1AlertThreshold,
  });
}
