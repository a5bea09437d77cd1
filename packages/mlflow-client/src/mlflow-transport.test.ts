import { type MlflowTestServer, startMlflowTestServer } from '@shelfwise/mlflow-test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MlflowApiError } from './mlflow-api-error';
import { MlflowClient } from './mlflow-client';
import type { MlflowClientOptions, MlflowRetryEvent } from './mlflow-client-options';
import { MlflowNetworkError } from './mlflow-network-error';
import { MlflowTimeoutError } from './mlflow-timeout-error';

// Retries, timeouts, auth and errors, exercised through the client against the test server.

let server: MlflowTestServer;
let runId: string;

const clientFor = (options: Partial<MlflowClientOptions> = {}) =>
  new MlflowClient({
    trackingUri: server.url,
    timeoutMs: 2_000,
    retry: { maxRetries: 3, baseDelayMs: 1 },
    ...options,
  });

beforeAll(async () => {
  server = await startMlflowTestServer();
  runId = (await clientFor().createRun({ experimentId: '0' })).info.run_id;
});
afterAll(() => server.close());
beforeEach(() => server.clearFaults());

describe('retries', () => {
  it('retries 503s with backoff, then succeeds', async () => {
    const retries: MlflowRetryEvent[] = [];
    server.failNext(2, 503);
    const before = server.countRequests('/mlflow/runs/get');
    const run = await clientFor({ onRetry: (event) => retries.push(event) }).getRun(runId);
    expect(run.info.run_id).toBe(runId);
    expect(server.countRequests('/mlflow/runs/get') - before).toBe(3);
    expect(retries.map((event) => event.attempt)).toEqual([1, 2]);
    expect(retries[0]?.error).toMatchObject({ errorCode: 'TEMPORARILY_UNAVAILABLE', httpStatus: 503 });
  });

  it('retries 429 and 500 too', async () => {
    server.failNext(1, 429);
    await clientFor().getRun(runId);
    server.failNext(1, 500);
    await clientFor().getRun(runId);
  });

  it('never retries a 400', async () => {
    server.failNext(1, 400);
    const before = server.countRequests('/mlflow/runs/get');
    await expect(clientFor().getRun(runId)).rejects.toMatchObject({ httpStatus: 400 });
    expect(server.countRequests('/mlflow/runs/get') - before).toBe(1);
  });

  it('gives up with the last API error once retries are exhausted', async () => {
    server.failAll(503);
    const error = await clientFor({ retry: { maxRetries: 2, baseDelayMs: 1 } })
      .getRun(runId)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MlflowApiError);
    expect(error).toMatchObject({ httpStatus: 503, request: 'GET /api/2.0/mlflow/runs/get' });
  });

  it('does not log twice when a batch was stored but its response was lost', async () => {
    server.failNext(1, 503, { afterApplying: true });
    const before = server.countRequests('/mlflow/runs/log-batch');
    await clientFor().logBatch(runId, {
      metrics: [{ key: 'lost-ack', value: 1, step: 0 }],
      params: { seed: '7' },
    });
    expect(server.countRequests('/mlflow/runs/log-batch') - before).toBe(2);
    expect(await clientFor().getMetricHistory(runId, 'lost-ack')).toHaveLength(1);
  });
});

describe('timeouts and outages', () => {
  it('times out each attempt on a stalled server and reports a timeout error', async () => {
    server.stall(Number.POSITIVE_INFINITY);
    const error = await clientFor({ timeoutMs: 50, retry: { maxRetries: 1, baseDelayMs: 1 } })
      .getRun(runId)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MlflowTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 50, attempts: 2 });
  });

  it('recovers when a stall ends within the retries', async () => {
    server.stall(Number.POSITIVE_INFINITY);
    const client = clientFor({ timeoutMs: 50, onRetry: () => server.stall(false) });
    expect((await client.getRun(runId)).info.run_id).toBe(runId);
  });

  it('reports a network error while the server is down, and reconnects once it is back', async () => {
    await server.stop();
    try {
      await expect(
        clientFor({ retry: { maxRetries: 1, baseDelayMs: 1 } }).getRun(runId),
      ).rejects.toBeInstanceOf(MlflowNetworkError);
      const client = clientFor({
        retry: { maxRetries: 3, baseDelayMs: 20 },
        onRetry: () => server.restart(),
      });
      expect((await client.getRun(runId)).info.run_id).toBe(runId);
    } finally {
      await server.restart();
    }
  });
});

describe('auth', () => {
  it('sends a bearer token and keeps it out of errors', async () => {
    const client = clientFor({ auth: { token: 'sekrit-token' } });
    const before = server.state.requests.length;
    const error = await client.getRun('missing-run').catch((caught: unknown) => caught);
    expect(server.state.requests.slice(before).every((request) => request.hadAuthorization)).toBe(true);
    expect(JSON.stringify({ ...(error as object), message: String(error) })).not.toContain('sekrit');
  });

  it('turns credentials in the tracking URI into basic auth, outside of any URL or error', async () => {
    const uri = server.url.replace('http://', 'http://alice:pa55word@');
    const client = new MlflowClient({ trackingUri: uri, retry: { maxRetries: 0 } });
    const before = server.state.requests.length;
    await client.getRun(runId);
    expect(server.state.requests[before]?.hadAuthorization).toBe(true);
    await server.stop();
    try {
      const error = await client.getRun(runId).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MlflowNetworkError);
      expect(`${String(error)} ${(error as MlflowNetworkError).request}`).not.toContain('pa55word');
    } finally {
      await server.restart();
    }
  });
});
