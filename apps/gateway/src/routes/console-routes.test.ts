import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startGateway, type TestGateway } from '../../test/test-gateway';
import { createTestServices, type TestServices } from '../../test/test-services';

describe('the web console at /', () => {
  let services: TestServices;
  let gateway: TestGateway;

  beforeAll(async () => {
    services = await createTestServices('console');
    gateway = await startGateway(services);
  });

  afterAll(async () => {
    await gateway?.close();
    await services?.close();
  });

  it('serves the page and its script and styles', async () => {
    const page = await call(`${gateway.url}/`, 'GET');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.body).toContain('<script src="console.js">');
    for (const [asset, type] of [
      ['console.js', 'javascript'],
      ['console.css', 'text/css'],
    ]) {
      const answer = await call(`${gateway.url}/${asset}`, 'GET');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toContain(type);
    }
  });

  it('leaves unknown paths to the JSON 404', async () => {
    const answer = await call(`${gateway.url}/nothing.js`, 'GET');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('NOT_FOUND');
  });
});
