import { once } from 'node:events';
import { type IncomingMessage, request } from 'node:http';
import { METRIC } from '@shelfwise/metrics';
import { freePort } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, TEST_ADMIN_KEY, type TestGateway } from '../../test/test-gateway';
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

// POST /v1/predict is served ahead of Express: what every Express route gets, it must get too.
describe('POST /v1/predict beside the Express routes', () => {
  let services: TestServices;
  let gateway: TestGateway;
  const predict = (body: unknown, headers: Record<string, string> = {}, url = gateway.url) =>
    call(`${url}/v1/predict`, 'POST', body, headers);

  beforeAll(async () => {
    services = await createTestServices('predict_direct');
    gateway = await startGateway(services, { predictTimeoutMs: TIMEOUT_MS });
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('sends the security headers an Express route sends', async () => {
    const express = await call(`${gateway.url}/v1/jobs/nope`, 'GET');
    const direct = await predict({ texts: [] });
    expect(direct.status).toBe(400);
    const names = [...express.headers.keys()].filter((name) => !/^(date|etag|content-length)$/.test(name));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names)
      expect([name, direct.headers.get(name)]).toEqual([name, express.headers.get(name)]);
    expect(direct.headers.get('x-powered-by')).toBeNull();
  });

  it('asks for a key first, as the Express routes do, before reading the body', async () => {
    const answer = await predict('not json', { authorization: '' });
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe('UNAUTHENTICATED');
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="shelfwise"');
    expect((await predict({ texts: ['milk'] }, { authorization: 'Bearer sw_nope' })).status).toBe(401);
  });

  const cases: [string, unknown, number, RegExp, Record<string, string>][] = [
    ['a body that is not JSON', '{"texts": [', 400, /not a JSON object or array/, {}],
    ['a JSON string', '"milk"', 400, /not a JSON object or array/, {}],
    ['a compressed body', { texts: ['milk'] }, 400, /content-encoding gzip/, { 'content-encoding': 'gzip' }],
    ['a body over 1 MiB', { texts: ['x'.repeat(1024 * 1024)] }, 413, /larger than 1048576 bytes/, {}],
  ];
  it.each(cases)('refuses %s, naming the problem', async (_name, body, status, message, headers) => {
    const answer = await predict(body, headers);
    expect(answer.status).toBe(status);
    expect(answer.body.error.message).toMatch(message);
  });

  // Raw node:http requests: a streamed body without Content-Length, and a client that leaves mid-body.
  const rawPost = (headers: Record<string, string | number>) =>
    request(`${gateway.url}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}`, ...headers },
    });

  it('refuses a streamed body as soon as it passes 1 MiB, with an answer, not a dropped connection', async () => {
    const sending = rawPost({ 'transfer-encoding': 'chunked' });
    const answered = once(sending, 'response') as Promise<[IncomingMessage]>;
    sending.on('error', () => {});
    const chunk = `{"texts": ["${'x'.repeat(64 * 1024)}`;
    for (let i = 0; i < 20 && !sending.destroyed; i++) sending.write(chunk);
    sending.end();
    const [response] = await answered;
    expect(response.statusCode).toBe(413);
    response.resume();
  });

  it('keeps serving after a client goes away in the middle of its body', async () => {
    const leaving = rawPost({ 'content-length': 1_000 });
    leaving.on('error', () => {});
    const closed = new Promise((resolve) => leaving.once('close', resolve));
    // Gone once the first bytes are on the wire: the gateway is mid-body, waiting for 986 more.
    leaving.write('{"texts": ["mi', () => leaving.destroy());
    await closed;
    const answer = await predict({ texts: [] });
    expect(answer.status).toBe(400);
  });

  it('reads no body of another content type, as express.json does: texts are missing', async () => {
    const answer = await predict(JSON.stringify({ texts: ['milk'] }), { 'content-type': 'text/plain' });
    expect(answer.status).toBe(400);
    expect(answer.body.error.details).toContainEqual({ path: '(body)', message: expect.any(String) });
  });

  it('answers a request with a query string; other methods and paths stay with Express', async () => {
    expect((await call(`${gateway.url}/v1/predict?explain=1`, 'POST', { texts: [] })).status).toBe(400);
    const other = await call(`${gateway.url}/v1/predictions`, 'POST', { texts: [] });
    expect([other.status, other.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await call(`${gateway.url}/v1/predict`, 'GET')).status).toBe(404);
  });

  it('is counted in the request metrics under its route', async () => {
    await predict({ texts: [] });
    const text = (await call(`${gateway.url}/metrics`, 'GET', undefined, { authorization: '' }))
      .body as string;
    const line = text
      .split('\n')
      .find((l) =>
        l.startsWith(`${METRIC.httpRequestDuration}_count{method="POST",route="/v1/predict",status="400"}`),
      );
    expect(Number(line?.split(' ').at(-1))).toBeGreaterThan(0);
  });

  it('counts concurrent requests of one key against its limit one by one', async () => {
    const limited = await startGateway(services, { predictTimeoutMs: TIMEOUT_MS, rateLimitPerMinute: 3 });
    try {
      // Sent together, so their counts go to Redis together: still only three are let through.
      const answers = await Promise.all(
        Array.from({ length: 8 }, () => predict({ texts: [] }, {}, limited.url)),
      );
      const statuses = answers.map((a) => a.status).sort();
      // A minute boundary mid-test only restarts the count: at most six (three per window) pass the limit.
      expect(statuses.filter((s) => s === 400).length).toBeGreaterThanOrEqual(3);
      expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(6);
      const refused = answers.find((a) => a.status === 429);
      expect(refused?.body.error.code).toBe('RATE_LIMITED');
      expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
