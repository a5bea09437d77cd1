import { METRIC } from '@shelfwise/metrics';
import { labelledProducts, type TestS3, toCsv } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/app-process';
import { parsePrometheusText, type Sample, select, total } from '../support/prometheus-text';
import { type RunningSystem, startSystem } from '../support/start-system';

// After real jobs through real processes, both /metrics endpoints show what Prometheus would scrape.
describe('metrics and logs after an end-to-end job', () => {
  let system: RunningSystem;
  let api: string;
  let workerUrl: string;
  let s3: TestS3;
  const held = labelledProducts(200, 3);
  let predictJobId: string;

  const post = (path: string, body: unknown) => system.client.post(path, body);
  const run = async (path: string, body: unknown): Promise<string> => {
    const job = await system.client.finished(await system.client.submit(path, body), 90_000);
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    return job.job_id;
  };
  const scrape = async (base: string): Promise<Sample[]> => {
    const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parsePrometheusText(await response.text());
  };

  beforeAll(async () => {
    system = await startSystem('e2e_metrics', {
      MIN_F1_ALERT_THRESHOLD: '0.65',
      // info: the test reads the worker's job log lines.
      LOG_LEVEL: 'info',
    });
    ({ api, workerUrl, s3 } = system);

    const dataset = `s3://${s3.buckets.dataset}`;
    const train = labelledProducts(3_000);
    await s3.store.upload(
      `${dataset}/train.csv`,
      toCsv(
        ['product_description', 'Category'],
        train.map((r) => [r.text, r.label]),
      ),
    );
    await run('/v1/train/csv', {
      train_file_s3: `${dataset}/train.csv`,
      epoch_num: 3,
      best_model_metric: 'eval_f1',
    });
    await s3.store.upload(
      `${dataset}/incoming.csv`,
      toCsv(
        ['product_description', 'HUMAN_VERIFIED_Category'],
        held.map((r) => [r.text, r.label]),
      ),
    );
    predictJobId = await run('/v1/predict/csv', { input_file_s3: `${dataset}/incoming.csv` });
    const online = await pollUntil(
      () => post('/v1/predict', { texts: ['sparkling mineral water 1l'] }),
      (answer) => answer.status === 200,
    );
    expect(online.body.model_version).toBe(1);
  }, 180_000);

  afterAll(async () => {
    await system?.stop();
  });

  it('the worker counts jobs, rows and durations, and reports the serving model', async () => {
    const samples = await scrape(workerUrl);
    const succeeded = (type: string) => total(samples, METRIC.jobs, { type, outcome: 'succeeded' });
    expect(succeeded('train')).toBe(1);
    expect(succeeded('predict-csv')).toBe(1);
    expect(succeeded('online')).toBeGreaterThanOrEqual(1);
    const trainCount = total(samples, `${METRIC.jobDuration}_count`, { type: 'train', outcome: 'succeeded' });
    expect(trainCount).toBe(1);
    expect(total(samples, `${METRIC.jobDuration}_sum`, { type: 'train' })).toBeGreaterThan(0);
    // 200 file rows and at least one online text, all on version 1.
    expect(total(samples, METRIC.rowsPredicted, { model_version: '1' })).toBeGreaterThanOrEqual(201);
    expect(total(samples, METRIC.modelServingVersion)).toBe(1);
    expect(total(samples, `${METRIC.modelLoad}_count`)).toBeGreaterThanOrEqual(1);
    expect(total(samples, `${METRIC.modelLoad}_sum`)).toBeGreaterThan(0);
    expect(total(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(total(samples, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('the gateway reports queue depth, monitored F1 from MySQL and request timings', async () => {
    const samples = await scrape(api);
    for (const queue of ['inference', 'online', 'training']) {
      for (const state of ['waiting', 'prioritized', 'active', 'delayed', 'failed']) {
        expect(select(samples, METRIC.queueJobs, { queue, state }), `${queue} ${state}`).toHaveLength(1);
      }
      expect(total(samples, METRIC.queueJobs, { queue, state: 'waiting' })).toBe(0);
      expect(total(samples, METRIC.queueOldestWaitingAge, { queue })).toBe(0);
    }
    const version = { model_version: '1', stage: 'PRODUCTION' };
    const f1 = total(samples, METRIC.monitoredF1, version) ?? 0;
    const minF1 = total(samples, METRIC.monitoredMinF1, version) ?? -1;
    expect(f1).toBeGreaterThan(0.8);
    expect(minF1).toBeGreaterThanOrEqual(0);
    expect(minF1).toBeLessThanOrEqual(f1);
    expect(total(samples, METRIC.minF1AlertThreshold)).toBe(0.65);
    const submitted = { method: 'POST', route: '/v1/predict/csv', status: '202' };
    expect(total(samples, `${METRIC.httpRequestDuration}_count`, submitted)).toBe(1);
    expect(total(samples, `${METRIC.httpRequestDuration}_count`, { route: '/v1/jobs/:id' })).toBeGreaterThan(
      0,
    );
    expect(total(samples, METRIC.sourceErrors)).toBeUndefined();
    expect(total(samples, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('logs every line of a job as JSON with its id and queue, and the model version once known', () => {
    const lines = (system.apps[1]?.output() ?? '')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const job = lines.filter((line) => line.jobId === predictJobId);
    const messages = job.map((line) => line.msg);
    expect(messages).toEqual(expect.arrayContaining(['job started', 'using model version', 'job succeeded']));
    for (const line of job) expect(line).toMatchObject({ queue: 'inference', job: 'predict-csv' });
    const known = job.slice(messages.indexOf('using model version'));
    for (const line of known) expect(line.modelVersion, String(line.msg)).toBe(1);
    // No input rows, no secrets: the descriptions of the predicted file and the S3 secret never appear.
    const output = system.apps[1]?.output() ?? '';
    for (const row of held.filter((r) => r.text.length > 20)) expect(output).not.toContain(row.text);
    expect(output).not.toContain(s3.settings.secretAccessKey);
  });
});
