import { createPrismaClient } from '@shelfwise/db';
import { freePort } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

describe('errors at the edge: one JSON shape, the right status', () => {
  let services: TestServices;
  let gateway: TestGateway;

  beforeAll(async () => {
    services = await createTestServices('errors');
    gateway = await startGateway(services);
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const answer = await call(`${gateway.url}/v1/nothing`, 'GET');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /v1/nothing' } });
  });

  it('answers a body over 1 MB with 413 PAYLOAD_TOO_LARGE', async () => {
    const answer = await call(`${gateway.url}/v1/predict`, 'POST', { texts: ['x'.repeat(1_100_000)] });
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a JSON body that is not an object or array with 400', async () => {
    const answer = await call(`${gateway.url}/v1/predict`, 'POST', '"milk"');
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('INVALID_REQUEST');
  });

  it('answers 503 UNAVAILABLE with Retry-After when MySQL cannot be reached', async () => {
    const db = createPrismaClient(`mysql://root@127.0.0.1:${await freePort()}/shelfwise`);
    const broken = await startGateway(services, { db });
    try {
      const answer = await call(`${broken.url}/v1/jobs`, 'GET');
      expect(answer.status).toBe(503);
      expect(answer.body.error).toEqual({
        code: 'UNAVAILABLE',
        message: expect.stringContaining('database'),
      });
      expect(answer.headers.get('retry-after')).toBe('5');
    } finally {
      await broken.close();
      await db.$disconnect();
    }
  });
});
