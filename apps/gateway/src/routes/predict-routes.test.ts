import { freePort } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices, unreachableProducer } from '../../test/test-services';

const TIMEOUT_MS = 300;

// The happy path needs the real worker: the end-to-end tests cover it. Here no worker runs.
describe('POST /v1/predict with no worker running', () => {
  let services: TestServices;
  let gateway: TestGateway;
  const predict = (body: unknown, url = gateway.url) => call(`${url}/v1/predict`, 'POST', body);

  beforeAll(async () => {
    services = await createTestServices('predict');
    gateway = await startGateway(services, { predictTimeoutMs: TIMEOUT_MS });
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('answers 503 TIMEOUT within the configured timeout and drops the job it queued', async () => {
    const started = performance.now();
    const answer = await predict({ texts: ['sparkling water 6 x 1.5 l'] });
    const elapsed = performance.now() - started;
    expect(answer.status).toBe(503);
    expect(answer.body.error).toMatchObject({ code: 'TIMEOUT' });
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_000);
    // Nobody waits for it any more: a worker starting later must not run it.
    const online = services.producer.queue('online');
    expect(await online.getJobCounts('wait', 'prioritized', 'delayed')).toEqual({
      wait: 0,
      prioritized: 0,
      delayed: 0,
    });
  });

  it('batches concurrent requests into one job; each times out on its own, and the job is dropped', async () => {
    // A long wait and a batch of exactly the requests sent: they all meet in one batch however loaded.
    const batched = await startGateway(services, {
      predictTimeoutMs: TIMEOUT_MS,
      predictBatch: { maxTexts: 8, maxWaitMs: 50 },
    });
    const added = new Set<string>();
    const onWaiting = ({ jobId }: { jobId: string }) => added.add(jobId);
    services.onlineEvents.on('waiting', onWaiting);
    const firstAdded = new Promise((resolve) => services.onlineEvents.once('waiting', resolve));
    try {
      // With nothing in flight a request goes at once, alone; the ones that come while it waits gather.
      const first = predict({ texts: ['water'] }, batched.url);
      await firstAdded;
      const answers = await Promise.all([
        first,
        ...Array.from({ length: 4 }, (_, i) => predict({ texts: [`tea ${i}`, `milk ${i}`] }, batched.url)),
      ]);
      for (const answer of answers) expect(answer.body.error).toMatchObject({ code: 'TIMEOUT' });
      // Two jobs for the five requests (one each before batching), gone once nobody waits for them.
      expect(added.size).toBe(2);
      expect(await services.producer.queue('online').getJobCounts('wait')).toEqual({ wait: 0 });
    } finally {
      services.onlineEvents.off('waiting', onWaiting);
      await batched.close();
    }
  });

  it.each([
    ['no texts', { texts: [] }, 'texts'],
    ['1,001 texts', { texts: Array.from({ length: 1_001 }, () => 'milk') }, 'texts'],
    ['an empty text', { texts: ['milk', '  '] }, 'texts.1'],
    ['a text that is not a string', { texts: [42] }, 'texts.0'],
    ['an unknown field', { texts: ['milk'], model: 3 }, 'model'],
  ])('refuses %s with 400', async (_name, body, field) => {
    const answer = await predict(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toContainEqual({ path: field, message: expect.any(String) });
  });

  it('answers 503 UNAVAILABLE when Redis is down', async () => {
    const dead = unreachableProducer(await freePort(), services.prefix);
    const broken = await startGateway(services, { producer: dead.producer, predictTimeoutMs: TIMEOUT_MS });
    try {
      const answer = await predict({ texts: ['milk'] }, broken.url);
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('UNAVAILABLE');
      expect(answer.headers.get('retry-after')).toBe('5');
    } finally {
      await broken.close();
      await dead.producer.close();
      dead.close();
    }
  });
});
