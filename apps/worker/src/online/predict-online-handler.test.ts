import { queuedJob } from '@shelfwise/contracts';
import { describe, expect, it } from 'vitest';
import { useWorker } from '../../test/worker-services';

// The worker as main.ts builds it (createWorker), in process, on real MySQL, Redis, S3 and onnxruntime.
describe('online prediction through createWorker', () => {
  const file = useWorker('predict_online', { WORKER_QUEUES: 'online' }, { model: true });

  it('answers a batch of texts with one prediction each, in order, from the serving version', async () => {
    const texts = ['Green Tea', 'Laundry Detergent', 'Whole Milk', 'Black Beans', 'Cola'];
    const answer = (await file.services.answer(queuedJob('online', { texts }))) as {
      modelVersion: number;
      predictions: { label: string; confidence: number }[];
    };

    expect(answer.modelVersion).toBe(file.model.version);
    expect(answer.predictions).toHaveLength(texts.length);
    for (const prediction of answer.predictions) {
      expect(file.model.labels).toContain(prediction.label);
      expect(prediction.confidence).toBeGreaterThan(0);
      expect(prediction.confidence).toBeLessThanOrEqual(1);
    }
    // Each text is predicted on its own: the same text alone gets the same answer.
    const alone = await file.services.answer(queuedJob('online', { texts: [texts[1] ?? ''] }));
    const [single] = (alone as typeof answer).predictions;
    expect(single?.label).toBe(answer.predictions[1]?.label);
    expect(single?.confidence).toBeCloseTo(answer.predictions[1]?.confidence ?? -1, 6);
  });
});
