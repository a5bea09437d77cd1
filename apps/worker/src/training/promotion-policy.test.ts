import { fileURLToPath } from 'node:url';
import {
  exportModel,
  isValidationRow,
  loadModel,
  type Predictor,
  readModelFiles,
  splitByRule,
  train,
  trainedOn,
} from '@shelfwise/classifier';
import { labelledProducts } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidePromotion, type PromotionInput } from './promotion-policy';

const FORMAT_1 = fileURLToPath(
  new URL('../../../../packages/classifier/src/fixtures/embedding-bag-v1/', import.meta.url),
);

// Real models in onnxruntime: the decision rests on their manifests' fingerprints and their predictions.
describe('decidePromotion', () => {
  const older = labelledProducts(1_500);
  const newer = [...older, ...labelledProducts(800, 5)];
  const loaded: Predictor[] = [];
  let serving: Predictor;
  let servingRefit: Predictor;
  let candidate: Predictor;

  const load = async (rows: typeof older, refit: boolean) => {
    const predictor = await loadModel(exportModel(await train(rows, { epochs: 2, refit })));
    loaded.push(predictor);
    return predictor;
  };

  beforeAll(async () => {
    serving = await load(older, false);
    servingRefit = await load(newer, true);
    candidate = await load(newer, false);
  });

  afterAll(async () => {
    await Promise.all(loaded.map((p) => p.release()));
  });

  const decide = (overrides: Partial<PromotionInput> = {}) =>
    decidePromotion({
      policy: 'better-or-equal',
      metric: 'eval_f1',
      submittedByClient: false,
      minRows: 50,
      candidate: { predictor: candidate, rows: splitByRule(newer).validation },
      serving: { version: 1, predictor: serving },
      ...overrides,
    });

  it('compares both models on the validation rows neither trained on, and promotes when not worse', async () => {
    const decision = await decide();
    const common = newer.filter(
      (row) =>
        isValidationRow(row.text) &&
        !trainedOn(candidate.manifest, row.text) &&
        !trainedOn(serving.manifest, row.text),
    );
    expect(common.length).toBeGreaterThan(100);
    expect(decision.comparison).toMatchObject({ metric: 'eval_f1', serving_version: 1, rows: common.length });
    const { candidate: mine, serving: theirs } = decision.comparison ?? { candidate: 0, serving: 1 };
    expect(decision.promoted).toBe(mine >= theirs);
    expect(decision.reason).toContain(`on ${common.length} rows neither trained on`);
  });

  it('makes no comparison on rows a refitted serving model trained on: too few common rows', async () => {
    const decision = await decide({ serving: { version: 2, predictor: servingRefit } });
    expect(decision).toMatchObject({ promoted: false, comparison: null });
    expect(decision.reason).toMatch(/^only \d+ of the \d+ validation rows are unseen by both/);
    expect(decision.reason).toContain('PROMOTION_MIN_ROWS 50');
  });

  it('refuses when there are fewer common rows than PROMOTION_MIN_ROWS', async () => {
    const decision = await decide({ minRows: 100_000 });
    expect(decision).toMatchObject({ promoted: false, comparison: null });
    expect(decision.reason).toContain('no automatic promotion');
  });

  it('never promotes a model trained from a client key, whatever the policy', async () => {
    for (const policy of ['better-or-equal', 'always'] as const) {
      const decision = await decide({ policy, submittedByClient: true, serving: undefined });
      expect(decision).toMatchObject({ promoted: false, comparison: null });
      expect(decision.reason).toMatch(/client key.*never promoted automatically/);
    }
  });

  it('refuses when the serving manifest (format 1) does not record its training rows', async () => {
    const old = await loadModel(await readModelFiles(FORMAT_1));
    loaded.push(old);
    expect(old.manifest.trainingSet).toBeNull();
    const decision = await decide({ serving: { version: 1, predictor: old } });
    expect(decision).toMatchObject({ promoted: false, comparison: null });
    expect(decision.reason).toMatch(/format 1\) does not record its training rows/);
  });
});
