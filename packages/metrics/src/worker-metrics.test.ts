import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { METRIC } from './metric-names';
import { WorkerMetrics } from './worker-metrics';

describe('WorkerMetrics', () => {
  it('counts jobs by type and outcome, rows by model version, and the serving version', async () => {
    const metrics = new WorkerMetrics(new Registry());
    expect(await metrics.registry.metrics()).toContain(`${METRIC.modelServingVersion} 0`);
    metrics.jobFinished('predict-csv', 'succeeded', 1.5);
    metrics.jobFinished('predict-csv', 'succeeded', 0.5);
    metrics.jobFinished('train', 'failed', 30);
    metrics.rowsPredicted(1_000, 3);
    metrics.rowsPredicted(24, 3);
    metrics.modelLoaded(3, 0.2);
    const text = await metrics.registry.metrics();
    expect(text).toContain(`${METRIC.jobs}{type="predict-csv",outcome="succeeded"} 2`);
    expect(text).toContain(`${METRIC.jobs}{type="train",outcome="failed"} 1`);
    expect(text).toContain(`${METRIC.jobDuration}_sum{type="predict-csv",outcome="succeeded"} 2`);
    expect(text).toContain(`${METRIC.rowsPredicted}{model_version="3"} 1024`);
    expect(text).toContain(`${METRIC.modelLoad}_count 1`);
    expect(text).toContain(`${METRIC.modelServingVersion} 3`);
  });
});
