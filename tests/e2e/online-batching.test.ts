import { METRIC } from '@shelfwise/metrics';
import { labelledProducts } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/app-process';
import { parsePrometheusText, total } from '../support/prometheus-text';
import { seedServingModel } from '../support/seed-model';
import { type RunningSystem, startSystem } from '../support/start-system';

const REQUESTS = 24;

// Concurrent POST /v1/predict through the real gateway, online queue and worker: they share online jobs,
// yet each request is answered with the predictions of its own texts, and one request's bad input fails
// only that request.
describe('micro-batched online predictions', () => {
  let system: RunningSystem;
  /** Online jobs the worker ran (its own count, on /metrics). */
  const onlineJobs = async () => {
    const text = await (await fetch(`${system.workerUrl}/metrics`)).text();
    return total(parsePrometheusText(text), METRIC.jobs, { type: 'online' }) ?? 0;
  };

  beforeAll(async () => {
    // A wait long enough that the concurrent requests meet in a batch even on a loaded machine.
    system = await startSystem('e2e_online_batching', {
      PREDICT_BATCH_MAX_WAIT_MS: '20',
      PREDICT_BATCH_MAX_TEXTS: '1000',
    });
    await seedServingModel(system.database.db, system.s3.store, system.s3.buckets.models);
    // The worker loads the model it polls for: ready once an answer comes.
    await pollUntil(
      () => system.client.post('/v1/predict', { texts: ['tea'] }),
      (answer) => answer.status === 200,
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  });

  afterAll(async () => {
    await system?.stop();
  });

  it("answers each request with its own texts' predictions, fewer jobs than requests, a bad one failing alone", async () => {
    const products = labelledProducts(REQUESTS * 3, 11).map((product) => product.text);
    // 1 to 3 texts each, all different: a mix-up between batch mates would show as a wrong count or label.
    const bodies = Array.from({ length: REQUESTS }, (_, i) => ({
      texts: products.slice(i * 3, i * 3 + 1 + (i % 3)),
    }));
    const bad = REQUESTS / 2;
    bodies[bad] = { texts: ['green tea', '   '] };
    const before = await onlineJobs();

    const answers = await Promise.all(bodies.map((body) => system.client.post('/v1/predict', body)));
    // One job per request before batching.
    expect((await onlineJobs()) - before).toBeLessThan(REQUESTS / 2);

    expect(answers[bad]?.status).toBe(400);
    expect(answers[bad]?.body.error).toMatchObject({
      code: 'INVALID_REQUEST',
      details: [{ path: 'texts.1', message: expect.any(String) }],
    });
    const alone = async (text: string) =>
      (
        (await system.client.post('/v1/predict', { texts: [text] })).body.predictions as { label: string }[]
      )[0];
    for (const [i, answer] of answers.entries()) {
      if (i === bad) continue;
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const predictions = answer.body.predictions as { label: string; confidence: number }[];
      const texts = bodies[i]?.texts ?? [];
      expect(predictions).toHaveLength(texts.length);
      // The batch's answer, split back: the same prediction as the text gets on its own.
      expect(predictions[texts.length - 1]?.label).toBe((await alone(texts.at(-1) as string))?.label);
    }
  });
});
