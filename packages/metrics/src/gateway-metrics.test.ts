import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { exportedNames } from './exported-names';
import { GatewayMetrics } from './gateway-metrics';
import { METRIC } from './metric-names';

const depth = {
  queue: 'inference',
  counts: { waiting: 3, prioritized: 4, active: 1, delayed: 0, failed: 2 },
  oldestWaitingAgeSeconds: 12.5,
};
const model = { version: 4, stage: 'PRODUCTION', weightedF1: 0.91, minF1: 0.74 };

describe('GatewayMetrics', () => {
  it('reads queue depth and model quality on each scrape, from one read per source', async () => {
    const reads = { redis: 0, mysql: 0 };
    const metrics = new GatewayMetrics(new Registry(), {
      queues: async () => {
        reads.redis++;
        return [depth];
      },
      monitoredModels: async () => {
        reads.mysql++;
        return [model];
      },
      minF1AlertThreshold: 0.7,
    });
    metrics.observeRequest('GET', '/v1/jobs/:id', 200, 0.012);
    const text = await metrics.registry.metrics();
    expect(text).toContain(`${METRIC.queueJobs}{queue="inference",state="waiting"} 3`);
    expect(text).toContain(`${METRIC.queueJobs}{queue="inference",state="failed"} 2`);
    expect(text).toContain(`${METRIC.queueOldestWaitingAge}{queue="inference"} 12.5`);
    expect(text).toContain(`${METRIC.monitoredF1}{model_version="4",stage="PRODUCTION"} 0.91`);
    expect(text).toContain(`${METRIC.monitoredMinF1}{model_version="4",stage="PRODUCTION"} 0.74`);
    expect(text).toContain(`${METRIC.minF1AlertThreshold} 0.7`);
    expect(text).toContain(
      `${METRIC.httpRequestDuration}_count{method="GET",route="/v1/jobs/:id",status="200"} 1`,
    );
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(reads).toEqual({ redis: 1, mysql: 1 });
  });

  it('still answers when a source fails or hangs, counting the error and leaving its gauges empty', async () => {
    const metrics = new GatewayMetrics(new Registry(), {
      queues: () => new Promise(() => {}),
      monitoredModels: async () => {
        throw new Error('connect ECONNREFUSED');
      },
      minF1AlertThreshold: 0.7,
      timeoutMs: 50,
    });
    const text = await metrics.registry.metrics();
    expect(text).toContain(`${METRIC.sourceErrors}{source="redis"} 1`);
    expect(text).toContain(`${METRIC.sourceErrors}{source="mysql"} 1`);
    expect(text).not.toContain(`${METRIC.queueJobs}{`);
    expect(text).not.toContain(`${METRIC.monitoredMinF1}{`);
  });

  it('lists every series name it exports, histogram series included', () => {
    const names = exportedNames(
      new GatewayMetrics(new Registry(), {
        queues: async () => [],
        monitoredModels: async () => [],
        minF1AlertThreshold: 0.7,
      }).registry,
    );
    expect(names).toContain(`${METRIC.httpRequestDuration}_bucket`);
    expect(names).toContain(METRIC.queueJobs);
    expect(names).toContain('nodejs_eventloop_lag_seconds');
  });
});
