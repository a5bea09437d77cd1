import { type MlflowTestServer, startMlflowTestServer } from '@shelfwise/mlflow-test-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MlflowApiError } from './mlflow-api-error';
import { MlflowClient } from './mlflow-client';

let server: MlflowTestServer;
let client: MlflowClient;

beforeAll(async () => {
  server = await startMlflowTestServer();
  client = new MlflowClient({ trackingUri: server.url, timeoutMs: 2_000, retry: { baseDelayMs: 1 } });
});
afterAll(() => server.close());

const newRun = async (experimentName: string) =>
  client.createRun({ experimentId: await client.getOrCreateExperiment(experimentName) });

describe('experiments', () => {
  it('gets or creates an experiment idempotently', async () => {
    const first = await client.getOrCreateExperiment('fraud-model');
    const second = await client.getOrCreateExperiment('fraud-model');
    expect(second).toBe(first);
    expect([...server.state.experiments.values()].filter(({ name }) => name === 'fraud-model')).toHaveLength(
      1,
    );
  });

  it('returns the existing id when creation races with another creator', async () => {
    // Hide the experiment from the first lookup only, as if it appeared between lookup and create.
    const id = await client.createExperiment('raced');
    server.failNext(1, 404);
    expect(await client.getOrCreateExperiment('raced')).toBe(id);
    expect(await client.createExperiment('raced')).toBe(id);
  });

  it('returns the id of an experiment whose creation response was lost', async () => {
    server.failNext(1, 503, { afterApplying: true });
    const id = await client.createExperiment('lost-response');
    expect(server.state.experiments.get(id)?.name).toBe('lost-response');
  });

  it('finds nothing for an unknown name and sets experiment tags', async () => {
    expect(await client.findExperimentByName('does-not-exist')).toBeUndefined();
    const id = await client.getOrCreateExperiment('tagged');
    await client.setExperimentTag(id, 'owner', 'ml-team');
    expect((await client.findExperimentByName('tagged'))?.tags).toEqual([{ key: 'owner', value: 'ml-team' }]);
  });
});

describe('runs', () => {
  it('creates, updates, gets and searches runs', async () => {
    const experimentId = await client.getOrCreateExperiment('run-lifecycle');
    const run = await client.createRun({ experimentId, runName: 'train', tags: { job: 'j-1' } });
    expect(run.info).toMatchObject({ status: 'RUNNING', run_name: 'train', experiment_id: experimentId });
    expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/${experimentId}/${run.info.run_id}/artifacts`);
    expect(run.info.end_time).toBeUndefined();

    const renamed = await client.updateRun(run.info.run_id, { runName: 'train-v2' });
    expect(renamed).toMatchObject({ run_name: 'train-v2', status: 'RUNNING' });
    const ended = await client.endRun(run.info.run_id, 'FINISHED', 1_700_000_000_000);
    expect(ended).toMatchObject({ status: 'FINISHED', end_time: 1_700_000_000_000 });

    const fetched = await client.getRun(run.info.run_id);
    expect(fetched.info.status).toBe('FINISHED');
    expect(fetched.data.tags).toContainEqual({ key: 'job', value: 'j-1' });
    expect(fetched.data.metrics).toEqual([]);

    await client.createRun({ experimentId, runName: 'other' });
    const finished = await client.searchRuns({
      experimentIds: [experimentId],
      filter: "attributes.status = 'FINISHED'",
    });
    expect(finished.runs.map((found) => found.info.run_id)).toEqual([run.info.run_id]);
    const firstPage = await client.searchRuns({ experimentIds: [experimentId], maxResults: 1 });
    expect(firstPage.runs).toHaveLength(1);
    const secondPage = await client.searchRuns({
      experimentIds: [experimentId],
      maxResults: 1,
      pageToken: firstPage.nextPageToken,
    });
    expect(secondPage).toMatchObject({ runs: [expect.anything()], nextPageToken: undefined });
  });

  it('throws a typed error for a run that does not exist', async () => {
    const error = await client.getRun('0123456789abcdef').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MlflowApiError);
    expect(error).toMatchObject({ errorCode: 'RESOURCE_DOES_NOT_EXIST', httpStatus: 404 });
  });
});

describe('logBatch', () => {
  it('splits 2,500 metrics into 3 requests and stores them all', async () => {
    const run = await newRun('batches');
    const before = server.countRequests('/mlflow/runs/log-batch');
    const metrics = Array.from({ length: 2500 }, (_, step) => ({ key: 'loss', value: 1 / (step + 1), step }));
    await client.logBatch(run.info.run_id, { metrics, params: { lr: '0.01' }, tags: { stage: 'train' } });
    expect(server.countRequests('/mlflow/runs/log-batch') - before).toBe(3);
    const history = await client.getMetricHistory(run.info.run_id, 'loss');
    expect(history).toHaveLength(2500);
    expect(history.map((metric) => metric.step)).toEqual(metrics.map((metric) => metric.step));
    const { data } = await client.getRun(run.info.run_id);
    expect(data.params).toEqual([{ key: 'lr', value: '0.01' }]);
    expect(data.tags).toContainEqual({ key: 'stage', value: 'train' });
  });

  it('splits params and tags over their own limits of 100', async () => {
    const run = await newRun('batches');
    const before = server.countRequests('/mlflow/runs/log-batch');
    const params = Object.fromEntries(
      Array.from({ length: 250 }, (_, index) => [`p${index}`, String(index)]),
    );
    await client.logBatch(run.info.run_id, { params });
    expect(server.countRequests('/mlflow/runs/log-batch') - before).toBe(3);
    expect(server.state.runs.get(run.info.run_id)?.params.size).toBe(250);
  });

  it('round-trips non-finite metric values', async () => {
    const run = await newRun('batches');
    await client.logBatch(run.info.run_id, {
      metrics: [
        { key: 'odd', value: Number.NaN, timestamp: 1, step: 0 },
        { key: 'odd', value: Number.POSITIVE_INFINITY, timestamp: 2, step: 1 },
      ],
    });
    const values = (await client.getMetricHistory(run.info.run_id, 'odd')).map((metric) => metric.value);
    expect(values).toEqual([Number.NaN, Number.POSITIVE_INFINITY]);
  });

  it('rejects a changed param without retrying', async () => {
    const run = await newRun('batches');
    await client.logBatch(run.info.run_id, { params: { depth: '3' } });
    const before = server.countRequests('/mlflow/runs/log-batch');
    const error = await client
      .logBatch(run.info.run_id, { params: { depth: '5' } })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ errorCode: 'INVALID_PARAMETER_VALUE', httpStatus: 400 });
    expect(server.countRequests('/mlflow/runs/log-batch') - before).toBe(1);
  });
});

describe('getMetricHistory', () => {
  it('follows pages until the history is complete', async () => {
    const run = await newRun('history');
    const metrics = Array.from({ length: 7 }, (_, step) => ({
      key: 'acc',
      value: step / 10,
      timestamp: 1000 + step,
      step,
    }));
    await client.logBatch(run.info.run_id, { metrics });
    const before = server.countRequests('/mlflow/metrics/get-history');
    const history = await client.getMetricHistory(run.info.run_id, 'acc', { pageSize: 3 });
    expect(server.countRequests('/mlflow/metrics/get-history') - before).toBe(3);
    expect(history).toEqual(metrics);
    expect(await client.getMetricHistory(run.info.run_id, 'never-logged')).toEqual([]);
  });
});

describe('model registry', () => {
  it('creates and gets models and versions, and sets, reads and deletes aliases', async () => {
    const run = await newRun('registry');
    const model = await client.createRegisteredModel('churn', {
      description: 'churn model',
      tags: { team: 'ml' },
    });
    expect(model).toMatchObject({
      name: 'churn',
      description: 'churn model',
      latest_versions: [],
      aliases: [],
    });

    const source = `${run.info.artifact_uri}/model`;
    const version = await client.createModelVersion({ name: 'churn', source, runId: run.info.run_id });
    expect(version).toMatchObject({
      name: 'churn',
      version: '1',
      source,
      run_id: run.info.run_id,
      status: 'READY',
    });
    expect(await client.getModelVersion('churn', 1)).toMatchObject({ version: '1', source });

    await client.setRegisteredModelAlias('churn', 'champion', 1);
    expect(await client.getModelVersionByAlias('churn', 'champion')).toMatchObject({
      version: '1',
      aliases: ['champion'],
    });
    expect((await client.getRegisteredModel('churn')).aliases).toEqual([{ alias: 'champion', version: '1' }]);

    await client.deleteRegisteredModelAlias('churn', 'champion');
    await expect(client.getModelVersionByAlias('churn', 'champion')).rejects.toMatchObject({
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
    });
    await expect(client.createRegisteredModel('churn')).rejects.toMatchObject({
      errorCode: 'RESOURCE_ALREADY_EXISTS',
    });
  });
});
