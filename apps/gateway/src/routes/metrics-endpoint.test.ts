import { randomUUID } from 'node:crypto';
import { JobRepository, ModelVersionRepository, MonitoringRepository } from '@shelfwise/db';
import { METRIC } from '@shelfwise/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

describe('GET /metrics on the gateway, over real MySQL and Redis', () => {
  let services: TestServices;
  let gateway: TestGateway;
  const scrape = async () => {
    const answer = await call(`${gateway.url}/metrics`, 'GET');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/plain');
    return answer.body as string;
  };

  beforeAll(async () => {
    services = await createTestServices('metrics');
    gateway = await startGateway(services);
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('times requests under their route pattern, never the raw path', async () => {
    const id = randomUUID();
    expect((await call(`${gateway.url}/v1/jobs/${id}`, 'GET')).status).toBe(404);
    expect((await call(`${gateway.url}/no/such/${id}`, 'GET')).status).toBe(404);
    const text = await scrape();
    expect(text).toContain(
      `${METRIC.httpRequestDuration}_count{method="GET",route="/v1/jobs/:id",status="404"} 1`,
    );
    expect(text).toContain(
      `${METRIC.httpRequestDuration}_count{method="GET",route="unmatched",status="404"} 1`,
    );
    expect(text).not.toContain(id);
  });

  it('reports the depth of every queue, read from Redis', async () => {
    await services.producer.queue('training').add('train', { v: 1 }, { delay: 60_000 });
    const text = await scrape();
    for (const queue of ['inference', 'online', 'training']) {
      expect(text).toContain(`${METRIC.queueJobs}{queue="${queue}",state="waiting"} 0`);
      expect(text).toContain(`${METRIC.queueOldestWaitingAge}{queue="${queue}"} 0`);
    }
    expect(text).toContain(`${METRIC.queueJobs}{queue="training",state="delayed"} 1`);
  });

  it('exports the latest monitored F1 of each model version from MySQL, with its stage', async () => {
    const { db } = services.database;
    const versions = new ModelVersionRepository(db);
    const monitoring = new MonitoringRepository(db);
    const model = await versions.create({
      artifactUri: (v) => `s3://models/${v}/`,
      datasetUri: 's3://dataset/train.csv',
      datasetHash: 'a'.repeat(64),
      labels: ['A', 'B'],
      metrics: {},
    });
    await versions.markReady(model.version, {});
    await versions.promote(model.version);
    for (const [weightedF1, minF1] of [
      [0.8, 0.6],
      [0.9, 0.55],
    ] as const) {
      const job = await new JobRepository(db).create({
        id: randomUUID(),
        type: 'PREDICT_CSV',
        input: { input_file_s3: 's3://dataset/in.csv' },
      });
      await monitoring.record({
        jobId: job.id,
        modelVersionId: model.id,
        weightedF1,
        minF1,
        perClassF1: {},
        rows: 10,
        labelledRows: 10,
        seenRows: 0,
        latencyPerRowMs: 1,
      });
    }
    const text = await scrape();
    const labels = `{model_version="${model.version}",stage="PRODUCTION"}`;
    expect(text).toContain(`${METRIC.monitoredF1}${labels} 0.9`);
    expect(text).toContain(`${METRIC.monitoredMinF1}${labels} 0.55`);
    expect(text).toContain(`${METRIC.minF1AlertThreshold} 0.7`);
    expect(text).toContain('process_resident_memory_bytes');
  });
});
