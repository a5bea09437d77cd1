import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';

describe('worker reliability settings', () => {
  it('defaults to BullMQ-like locks, a minute between reconciliations and 2 s MySQL retries', () => {
    expect(loadConfig({}).worker).toMatchObject({
      lockMs: undefined,
      stalledIntervalMs: 30_000,
      reconcile: { intervalMs: 60_000, minAgeMs: 10_000 },
      databaseRetryMs: 2_000,
    });
  });

  it('reads each one from the environment', () => {
    const worker = loadConfig({
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '500',
      RECONCILE_INTERVAL_MS: '1000',
      RECONCILE_MIN_AGE_MS: '0',
      DATABASE_RETRY_MS: '250',
    }).worker;
    expect(worker).toMatchObject({
      lockMs: 2_000,
      stalledIntervalMs: 500,
      reconcile: { intervalMs: 1_000, minAgeMs: 0 },
      databaseRetryMs: 250,
    });
  });

  it('refuses a lock under a second, naming the variable', () => {
    expect(() => loadConfig({ WORKER_LOCK_MS: '10' })).toThrow(/WORKER_LOCK_MS/);
  });
});
