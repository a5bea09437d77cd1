import { describe, expect, it } from 'vitest';
import { loadConfig } from './load-config';

describe('worker reliability settings', () => {
  it('defaults to BullMQ-like locks, a minute between reconciliations, 2 s outage retries, a 5 min watchdog', () => {
    expect(loadConfig({}).worker).toMatchObject({
      lockMs: undefined,
      stalledIntervalMs: 30_000,
      reconcile: { intervalMs: 60_000, minAgeMs: 10_000, lossCheckMs: 1_000 },
      databaseRetryMs: 2_000,
      storageRetryMs: 2_000,
      stallTimeoutMs: 300_000,
    });
  });

  it('reads each one from the environment', () => {
    const worker = loadConfig({
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '500',
      RECONCILE_INTERVAL_MS: '1000',
      RECONCILE_MIN_AGE_MS: '0',
      DATABASE_RETRY_MS: '250',
      S3_RETRY_MS: '300',
      JOB_STALL_TIMEOUT_MS: '3000',
      QUEUE_LOSS_CHECK_MS: '200',
    }).worker;
    expect(worker).toMatchObject({
      lockMs: 2_000,
      stalledIntervalMs: 500,
      reconcile: { intervalMs: 1_000, minAgeMs: 0, lossCheckMs: 200 },
      databaseRetryMs: 250,
      storageRetryMs: 300,
      stallTimeoutMs: 3_000,
    });
  });

  it('refuses a lock or a watchdog under a second, naming the variables', () => {
    expect(() => loadConfig({ WORKER_LOCK_MS: '10', JOB_STALL_TIMEOUT_MS: '10' })).toThrow(
      /WORKER_LOCK_MS.*\n?.*JOB_STALL_TIMEOUT_MS|JOB_STALL_TIMEOUT_MS.*\n?.*WORKER_LOCK_MS/s,
    );
  });
});
