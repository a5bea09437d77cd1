import { ObjectNotFoundError } from '@shelfwise/storage';
import { createTestS3, type TestS3 } from '@shelfwise/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelArtifactStore } from './model-artifact-store';

const model = (seed: number) => ({
  onnx: Uint8Array.from({ length: 64 }, (_, i) => (i * seed) % 256),
  manifest: { formatVersion: 2, labels: ['Tea', 'Coffee'], seed },
});

describe('ModelArtifactStore against a real S3-protocol server', () => {
  let s3: TestS3;
  let artifacts: ModelArtifactStore;

  beforeAll(async () => {
    s3 = await createTestS3();
    artifacts = new ModelArtifactStore(s3.store, s3.buckets.models);
  });

  it('keeps each version in its own folder of the models bucket: model.onnx and manifest.json', async () => {
    const folder = artifacts.locate(1);
    expect(folder).toBe(`s3://${s3.buckets.models}/1/`);
    await artifacts.save(folder, model(3));
    expect((await artifacts.list(folder)).map((object) => object.uri)).toEqual([
      `s3://${s3.buckets.models}/1/manifest.json`,
      `s3://${s3.buckets.models}/1/model.onnx`,
    ]);
  });

  it('loads back the exact model bytes and the manifest as JSON text, with or without the trailing slash', async () => {
    await artifacts.save(artifacts.locate(2), model(5));
    for (const folder of [artifacts.locate(2), `s3://${s3.buckets.models}/2`]) {
      const loaded = await artifacts.load(folder);
      expect(loaded.onnx).toEqual(model(5).onnx);
      expect(JSON.parse(loaded.manifest)).toEqual(model(5).manifest);
    }
  });

  it("lists a version's own objects only, not those of a version whose number starts alike", async () => {
    await artifacts.save(artifacts.locate(30), model(7));
    await artifacts.save(artifacts.locate(300), model(11));
    const listed = await artifacts.list(`s3://${s3.buckets.models}/30`);
    expect(listed.map((object) => object.key)).toEqual(['30/manifest.json', '30/model.onnx']);
  });

  it('leaves nothing behind when the save is aborted', async () => {
    const folder = artifacts.locate(4);
    await expect(artifacts.save(folder, model(13), { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(await artifacts.list(folder)).toEqual([]);
  });

  it('answers a version without files with a typed error naming its folder', async () => {
    const folder = artifacts.locate(5);
    await expect(artifacts.load(folder)).rejects.toThrow(ObjectNotFoundError);
    await expect(artifacts.load(folder)).rejects.toThrow(folder);
  });
});
