import { randomUUID } from 'node:crypto';
import { publishServingModel, trainSmallModel } from '@shelfwise/test-kit/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWorkerServices,
  startTestWorker,
  type TestWorker,
  type WorkerServices,
} from '../../test/worker-services';

// The worker as main.ts builds it (createWorker), in process, on real MySQL, Redis, S3 and onnxruntime.
describe('predict-online through createWorker', () => {
  let services: WorkerServices;
  let worker: TestWorker;
  let labels: string[];
  let servingVersion: number;

  beforeAll(async () => {
    services = await createWorkerServices('predict_online');
    const trained = await trainSmallModel(1);
    labels = [...trained.labels];
    servingVersion = await publishServingModel(
      services.database.db,
      services.s3.store,
      services.s3.buckets.models,
      trained,
    );
    worker = await startTestWorker(services, { WORKER_QUEUES: 'online' });
  });

  afterAll(async () => {
    await worker?.stop();
    await services?.close();
  });

  it('answers a batch of texts with one prediction each, in order, from the serving version', async () => {
    const texts = ['Green Tea', 'Laundry Detergent', 'Whole Milk', 'Black Beans', 'Cola'];
    const job = await services.producer.enqueue('predict-online', { v: 1, texts }, randomUUID(), {
      attempts: 1,
    });

    const answer = (await services.finished(job)) as {
      modelVersion: number;
      predictions: { label: string; confidence: number }[];
    };

    expect(answer.modelVersion).toBe(servingVersion);
    expect(answer.predictions).toHaveLength(texts.length);
    for (const prediction of answer.predictions) {
      expect(labels).toContain(prediction.label);
      expect(prediction.confidence).toBeGreaterThan(0);
      expect(prediction.confidence).toBeLessThanOrEqual(1);
    }
    // Each text is predicted on its own: the same text alone gets the same answer.
    const alone = await services.producer.enqueue(
      'predict-online',
      { v: 1, texts: [texts[1] ?? ''] },
      randomUUID(),
    );
    const [single] = ((await services.finished(alone)) as typeof answer).predictions;
    expect(single?.label).toBe(answer.predictions[1]?.label);
    expect(single?.confidence).toBeCloseTo(answer.predictions[1]?.confidence ?? -1, 6);
  });
});
