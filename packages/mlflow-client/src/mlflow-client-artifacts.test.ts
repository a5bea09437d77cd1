import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { type MlflowTestServer, startMlflowTestServer } from '@shelfwise/mlflow-test-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MlflowClient } from './mlflow-client';

let server: MlflowTestServer;
let client: MlflowClient;
let artifactUri: string;

beforeAll(async () => {
  server = await startMlflowTestServer();
  client = new MlflowClient({ trackingUri: server.url, timeoutMs: 2_000, retry: { baseDelayMs: 1 } });
  const experimentId = await client.getOrCreateExperiment('artifacts');
  artifactUri = (await client.createRun({ experimentId })).info.artifact_uri;
});
afterAll(() => server.close());
beforeEach(() => server.clearFaults());

// Several chunks of the server's 64 KiB download chunks, so both directions really stream.
const payload = randomBytes(300 * 1024);

describe('artifacts', () => {
  it('uploads a buffer and streams it back', async () => {
    await client.uploadArtifact(artifactUri, 'model/weights.bin', payload);
    const stream = await client.downloadArtifact(artifactUri, 'model/weights.bin');
    expect(stream).toBeInstanceOf(Readable);
    expect((await buffer(stream)).equals(payload)).toBe(true);
  });

  it('uploads from a Node stream and from a web stream', async () => {
    await client.uploadArtifact(
      artifactUri,
      'streams/node.bin',
      Readable.from([payload.subarray(0, 1000), payload]),
    );
    await client.uploadArtifact(artifactUri, 'streams/web.bin', new Blob([payload]).stream());
    const fromNode = await buffer(await client.downloadArtifact(artifactUri, 'streams/node.bin'));
    const fromWeb = await buffer(await client.downloadArtifact(artifactUri, 'streams/web.bin'));
    expect(fromNode.equals(Buffer.concat([payload.subarray(0, 1000), payload]))).toBe(true);
    expect(fromWeb.equals(payload)).toBe(true);
  });

  it('stores artifacts where MLflow puts them for an mlflow-artifacts: root', () => {
    const [, root] = /^mlflow-artifacts:\/(.*)$/.exec(artifactUri) ?? [];
    expect(server.state.artifacts.has(`${root}/model/weights.bin`)).toBe(true);
  });

  it('retries an upload only when it can produce the body again', async () => {
    server.failNext(1, 503);
    await client.uploadArtifact(artifactUri, 'retry/factory.txt', () => Readable.from(['again']));
    expect((await buffer(await client.downloadArtifact(artifactUri, 'retry/factory.txt'))).toString()).toBe(
      'again',
    );

    server.failNext(1, 503);
    const before = server.countRequests(
      `/api/2.0/mlflow-artifacts/artifacts${artifactUri.slice('mlflow-artifacts:'.length)}/retry/once.txt`,
    );
    await expect(
      client.uploadArtifact(artifactUri, 'retry/once.txt', Readable.from(['once'])),
    ).rejects.toMatchObject({
      httpStatus: 503,
    });
    const path = `/api/2.0/mlflow-artifacts/artifacts${artifactUri.slice('mlflow-artifacts:'.length)}/retry/once.txt`;
    expect(server.countRequests(path) - before).toBe(1);
  });

  it('lists a directory with paths relative to the artifact root', async () => {
    await client.uploadArtifact(artifactUri, 'listing/a.txt', 'a');
    await client.uploadArtifact(artifactUri, 'listing/sub/b.txt', 'bb');
    expect(await client.listArtifacts(artifactUri, 'listing')).toEqual([
      { path: 'listing/a.txt', is_dir: false, file_size: 1 },
      { path: 'listing/sub', is_dir: true },
    ]);
    expect((await client.listArtifacts(artifactUri)).map((file) => file.path)).toContain('listing');
    expect(await client.listArtifacts(artifactUri, 'nothing-here')).toEqual([]);
  });

  it('fails with RESOURCE_DOES_NOT_EXIST for a missing artifact', async () => {
    await expect(client.downloadArtifact(artifactUri, 'missing.bin')).rejects.toMatchObject({
      errorCode: 'RESOURCE_DOES_NOT_EXIST',
      httpStatus: 404,
    });
  });
});
