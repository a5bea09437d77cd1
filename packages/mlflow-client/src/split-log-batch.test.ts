import { describe, expect, it } from 'vitest';
import { MLFLOW_LOG_BATCH_LIMITS, splitLogBatch, type WireMetric } from './split-log-batch';

const metrics = (count: number): WireMetric[] =>
  Array.from({ length: count }, (_, step) => ({ key: 'm', value: step, timestamp: 1, step }));
const keyValues = (count: number, value = 'v') =>
  Array.from({ length: count }, (_, index) => ({ key: `k${index}`, value }));

describe('splitLogBatch', () => {
  it('returns nothing to send for an empty batch', () => {
    expect(splitLogBatch({ metrics: [], params: [], tags: [] })).toEqual([]);
  });

  it('respects every count limit and keeps the order within each type', () => {
    const batch = { metrics: metrics(1950), params: keyValues(150), tags: keyValues(120) };
    const chunks = splitLogBatch(batch);
    for (const chunk of chunks) {
      expect(chunk.metrics.length).toBeLessThanOrEqual(MLFLOW_LOG_BATCH_LIMITS.metrics);
      expect(chunk.params.length).toBeLessThanOrEqual(MLFLOW_LOG_BATCH_LIMITS.params);
      expect(chunk.tags.length).toBeLessThanOrEqual(MLFLOW_LOG_BATCH_LIMITS.tags);
      expect(chunk.metrics.length + chunk.params.length + chunk.tags.length).toBeLessThanOrEqual(1000);
    }
    expect(chunks.flatMap((chunk) => chunk.metrics)).toEqual(batch.metrics);
    expect(chunks.flatMap((chunk) => chunk.params)).toEqual(batch.params);
    expect(chunks.flatMap((chunk) => chunk.tags)).toEqual(batch.tags);
  });

  it('keeps each request under the 1 MB body limit', () => {
    const chunks = splitLogBatch({
      metrics: [],
      params: keyValues(100, 'x'.repeat(6000)),
      tags: keyValues(100, 'y'.repeat(8000)),
    });
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks)
      expect(Buffer.byteLength(JSON.stringify({ run_id: 'r'.repeat(32), ...chunk }))).toBeLessThan(1_000_000);
  });
});
