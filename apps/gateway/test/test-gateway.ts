import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from '@shelfwise/metrics';
import { createApp, type Gateway, type GatewayDependencies } from '../src/create-app';
import type { TestServices } from './test-services';

export interface TestGateway {
  url: string;
  /** The gateway itself, for tests that read its routes. */
  gateway: Gateway;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON answers of many shapes.
  body: any;
}

/** The admin key every in-process test gateway accepts, as ADMIN_API_KEY would be; `call` sends it. */
export const TEST_ADMIN_KEY = `sw_test_${randomBytes(32).toString('base64url')}`;

/** Headers that authenticate as `key` (the test admin key unless given). */
export const bearer = (key: string = TEST_ADMIN_KEY) => ({ authorization: `Bearer ${key}` });

/** The real app, in process on a free port, over the test file's real services. */
export async function startGateway(
  services: TestServices,
  overrides: Partial<GatewayDependencies> = {},
): Promise<TestGateway> {
  const gateway = createApp({
    readiness: async () => ({ ok: true, checks: {} }),
    logger: services.logger,
    metrics: { registry: new Registry(), minF1AlertThreshold: 0.7 },
    db: services.database.db,
    store: services.s3.store,
    producer: services.producer,
    onlineEvents: services.onlineEvents,
    predictTimeoutMs: 5_000,
    datasetBucket: services.s3.buckets.dataset,
    adminKeys: [TEST_ADMIN_KEY],
    ...overrides,
  });
  const server = createServer(gateway.handle).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    gateway,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * One HTTP call; `body` is sent as JSON unless it is already a string. It sends the test admin key unless
 * `headers` has its own `authorization`; an empty one sends none.
 */
export async function call(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const sent: Record<string, string> = { ...bearer(), ...headers };
  if (sent.authorization === '') delete sent.authorization;
  const response = await fetch(url, {
    method,
    headers: body === undefined ? sent : { 'content-type': 'application/json', ...sent },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (bull-board's HTML): keep the text.
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
