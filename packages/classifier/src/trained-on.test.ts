import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { syntheticCatalogue } from '../test/synthetic-examples';
import { exportModel } from './export-model';
import { readModelFiles } from './model-files';
import { parseManifest } from './model-manifest';
import { train } from './train';
import { trainedOn } from './trained-on';
import { isValidationRow } from './validation-rule';

describe('trainedOn', () => {
  it('tells, from two manifests, which rows neither model was fitted on', async () => {
    const older = syntheticCatalogue(300, 1);
    const newer = [...older, ...syntheticCatalogue(300, 2)];
    const featurizer = { buckets: 2 ** 12 };
    const a = exportModel(await train(older, { epochs: 1, featurizer, refit: false })).manifest;
    const b = exportModel(await train(newer, { epochs: 1, featurizer, refit: false })).manifest;
    expect(older.every((e) => isValidationRow(e.text) || trainedOn(a, e.text))).toBe(true);
    const fresh = syntheticCatalogue(200, 3).filter((e) => !newer.some((n) => n.text === e.text));
    // The shared validation rule keeps the old validation rows unseen by both models.
    const common = [...newer, ...fresh].filter((e) => !trainedOn(a, e.text) && !trainedOn(b, e.text));
    expect(common.length).toBeGreaterThan(fresh.length);
    expect(common.every((e) => isValidationRow(e.text) || fresh.includes(e))).toBe(true);
  });

  it('does not know for a format 1 manifest', async () => {
    const dir = fileURLToPath(new URL('./fixtures/embedding-bag-v1/', import.meta.url));
    const manifest = parseManifest((await readModelFiles(dir)).manifest);
    expect(trainedOn(manifest, 'green tea')).toBeUndefined();
  });
});
