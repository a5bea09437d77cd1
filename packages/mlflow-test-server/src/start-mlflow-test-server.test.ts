import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type MlflowTestServer, startMlflowTestServer } from './start-mlflow-test-server';

// Plain fetch against the server, to pin down the wire behaviour the client relies on.

let server: MlflowTestServer;

beforeAll(async () => {
  server = await startMlflowTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.clearFaults());

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}/api/2.0${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: assertions walk into arbitrary MLflow response JSON.
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

async function newRun(): Promise<string> {
  const { body } = await call('POST', '/mlflow/runs/create', { experiment_id: '0', start_time: 1 });
  return body.run.info.run_id;
}

describe('startMlflowTestServer', () => {
  it('answers a missing experiment with RESOURCE_DOES_NOT_EXIST and 404', async () => {
    const response = await call('GET', '/mlflow/experiments/get-by-name?experiment_name=nope');
    expect(response.status).toBe(404);
    expect(response.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });

  it('rejects a duplicate experiment name with RESOURCE_ALREADY_EXISTS and 400', async () => {
    expect((await call('POST', '/mlflow/experiments/create', { name: 'dup' })).status).toBe(200);
    const again = await call('POST', '/mlflow/experiments/create', { name: 'dup' });
    expect(again).toMatchObject({ status: 400, body: { error_code: 'RESOURCE_ALREADY_EXISTS' } });
  });

  it('requires a JSON content type on POST, like MLflow', async () => {
    const response = await fetch(`${server.url}/api/2.0/mlflow/experiments/create`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'typed' }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
  });

  it('keeps params immutable but lets the same value be logged again', async () => {
    const runId = await newRun();
    const log = (value: string) =>
      call('POST', '/mlflow/runs/log-batch', { run_id: runId, params: [{ key: 'lr', value }] });
    expect((await log('0.1')).status).toBe(200);
    expect((await log('0.1')).status).toBe(200);
    const changed = await log('0.2');
    expect(changed).toMatchObject({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE' } });
    expect(server.state.runs.get(runId)?.params.get('lr')).toBe('0.1');
  });

  it('enforces the log-batch limits and writes nothing from a rejected batch', async () => {
    const runId = await newRun();
    const metrics = Array.from({ length: 1001 }, (_, step) => ({ key: 'm', value: 1, timestamp: 1, step }));
    const response = await call('POST', '/mlflow/runs/log-batch', { run_id: runId, metrics });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('at most 1000 metrics');
    const tags = Array.from({ length: 101 }, (_, index) => ({ key: `t${index}`, value: 'v' }));
    expect((await call('POST', '/mlflow/runs/log-batch', { run_id: runId, tags })).status).toBe(400);
    expect(server.state.runs.get(runId)?.metricHistory).toHaveLength(0);
  });

  it('stores one history entry per distinct (key, step, timestamp, value), NaN included', async () => {
    const runId = await newRun();
    const metrics = [
      { key: 'loss', value: 0.5, timestamp: 10, step: 1 },
      { key: 'loss', value: 'NaN', timestamp: 11, step: 2 },
    ];
    await call('POST', '/mlflow/runs/log-batch', { run_id: runId, metrics });
    await call('POST', '/mlflow/runs/log-batch', { run_id: runId, metrics });
    const history = await call('GET', `/mlflow/metrics/get-history?run_id=${runId}&metric_key=loss`);
    expect(history.body.metrics).toEqual([
      { key: 'loss', value: 0.5, timestamp: 10, step: 1 },
      { key: 'loss', value: 'NaN', timestamp: 11, step: 2 },
    ]);
  });

  it('pages metric history when max_results is given', async () => {
    const runId = await newRun();
    const metrics = Array.from({ length: 5 }, (_, step) => ({
      key: 'acc',
      value: step,
      timestamp: step,
      step,
    }));
    await call('POST', '/mlflow/runs/log-batch', { run_id: runId, metrics });
    const first = await call(
      'GET',
      `/mlflow/metrics/get-history?run_id=${runId}&metric_key=acc&max_results=3`,
    );
    expect(first.body.metrics).toHaveLength(3);
    const token = encodeURIComponent(first.body.next_page_token);
    const second = await call(
      'GET',
      `/mlflow/metrics/get-history?run_id=${runId}&metric_key=acc&page_token=${token}&max_results=3`,
    );
    expect(second.body.metrics).toHaveLength(2);
    expect(second.body.next_page_token).toBeUndefined();
  });

  it('filters searched runs on tags and attributes', async () => {
    const { body } = await call('POST', '/mlflow/experiments/create', { name: 'search' });
    const experimentId = body.experiment_id;
    for (const team of ['a', 'b']) {
      await call('POST', '/mlflow/runs/create', {
        experiment_id: experimentId,
        tags: [{ key: 'team', value: team }],
      });
    }
    const found = await call('POST', '/mlflow/runs/search', {
      experiment_ids: [experimentId],
      filter: "tags.team = 'b' and attributes.status = 'RUNNING'",
    });
    expect(found.body.runs).toHaveLength(1);
    expect(found.body.runs[0].data.tags).toContainEqual({ key: 'team', value: 'b' });
    const bad = await call('POST', '/mlflow/runs/search', {
      experiment_ids: [experimentId],
      filter: 'tags.team LIKE 1',
    });
    expect(bad.status).toBe(400);
  });

  it('fails the next requests on demand, then serves normally', async () => {
    server.failNext(2, 503);
    expect((await call('GET', '/mlflow/experiments/get?experiment_id=0')).status).toBe(503);
    expect((await call('GET', '/mlflow/experiments/get?experiment_id=0')).body.error_code).toBe(
      'TEMPORARILY_UNAVAILABLE',
    );
    expect((await call('GET', '/mlflow/experiments/get?experiment_id=0')).status).toBe(200);
  });

  it('can apply a request and still answer an error, as when the response is lost', async () => {
    server.failNext(1, 500, { afterApplying: true });
    const failed = await call('POST', '/mlflow/experiments/create', { name: 'applied-anyway' });
    expect(failed.status).toBe(500);
    expect((await call('GET', '/mlflow/experiments/get-by-name?experiment_name=applied-anyway')).status).toBe(
      200,
    );
  });

  it('holds stalled requests until the stall is cleared', async () => {
    const before = server.countRequests('/mlflow/experiments/get');
    server.stall(Number.POSITIVE_INFINITY);
    const pending = call('GET', '/mlflow/experiments/get?experiment_id=0');
    await server.waitForRequests('/mlflow/experiments/get', before + 1);
    server.stall(false);
    expect((await pending).status).toBe(200);
  });

  it('goes down and comes back on the same port with its state', async () => {
    const runId = await newRun();
    await server.stop();
    await expect(fetch(`${server.url}/api/2.0/mlflow/runs/get?run_id=${runId}`)).rejects.toThrow();
    await server.restart();
    expect((await call('GET', `/mlflow/runs/get?run_id=${runId}`)).status).toBe(200);
  });

  it('stores artifacts behind the proxy and lists them by basename', async () => {
    const put = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/r1/artifacts/dir/a.txt`, {
      method: 'PUT',
      body: 'hello',
    });
    expect(put.status).toBe(200);
    const list = await call('GET', '/mlflow-artifacts/artifacts?path=0/r1/artifacts');
    expect(list.body.files).toEqual([{ path: 'dir', is_dir: true }]);
    const get = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0/r1/artifacts/dir/a.txt`);
    expect(await get.text()).toBe('hello');
    const traversal = await fetch(`${server.url}/api/2.0/mlflow-artifacts/artifacts/0%2F..%2Fsecret`);
    expect(traversal.status).toBe(400);
  });
});
