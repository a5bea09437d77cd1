import { once } from 'node:events';
import { get, type IncomingMessage } from 'node:http';
import { QUEUE_NAMES } from '@shelfwise/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

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

  it('serves the dashboard page, linking nothing outside the gateway', async () => {
    const answer = await call(`${gateway.url}/admin/queues`, 'GET');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(answer.body).toContain('<html');
    expect(answer.body).toContain('static/css/main.');
    expect(answer.body).not.toMatch(/(href|src)="https?:/);
  });

  it('challenges a browser with Bearer and Basic as two headers, so it offers its login prompt', async () => {
    // Raw header lines: fetch would join repeated headers into one value, hiding the difference.
    const request = get(`${gateway.url}/admin/queues`);
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    response.resume();
    expect(response.statusCode).toBe(401);
    const challenges = response.rawHeaders.filter(
      (_, i) => i % 2 === 1 && response.rawHeaders[i - 1]?.toLowerCase() === 'www-authenticate',
    );
    expect(challenges).toEqual(['Bearer realm="shelfwise"', 'Basic realm="shelfwise"']);
  });

  it('shows every queue of the system', async () => {
    const answer = await call(`${gateway.url}/admin/queues/api/queues`, 'GET');
    expect(answer.status).toBe(200);
    const names = (answer.body.queues as { name: string }[]).map((q) => q.name).sort();
    expect(names).toEqual([...QUEUE_NAMES].sort());
  });
});
