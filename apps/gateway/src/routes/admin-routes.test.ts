import { QUEUES } from '@shelfwise/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../test-support/test-gateway';
import { createTestServices, type TestServices } from '../test-support/test-services';

describe('/admin/queues (bull-board)', () => {
  let services: TestServices;
  let gateway: TestGateway;

  beforeAll(async () => {
    services = await createTestServices('admin');
    gateway = await startGateway(services);
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('serves the dashboard page', async () => {
    const answer = await call(`${gateway.url}/admin/queues`, 'GET');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.body).toContain('<html');
  });

  it('shows every queue of the system', async () => {
    const answer = await call(`${gateway.url}/admin/queues/api/queues`, 'GET');
    expect(answer.status).toBe(200);
    const names = (answer.body.queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual(Object.values(QUEUES).sort());
  });
});
