import {
  isValidationRow,
  type LabelledText,
  type ModelManifest,
  normalizeText,
  trainedOn,
} from '@shelfwise/classifier';
import { ApiKeyRepository, generateApiKey } from '@shelfwise/db';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer } from '../support/app-process';
import { type JobClient, type JobView, jobClient } from '../support/job-client';
import { type RunningSystem, startSystem } from '../support/start-system';

/** One row per normalised text, the last label kept: what training reads from a file. */
const distinct = (rows: readonly LabelledText[]) => [
  ...new Map(rows.map((row) => [normalizeText(row.text), row])).values(),
];
const labelledCsv = (rows: readonly LabelledText[], column = 'Category') =>
  toCsv(
    ['product_description', column],
    rows.map((r) => [r.text, r.label]),
  );

// Promotion, monitoring and shadow scoring judged only on rows the models did not train on, through the
// real gateway and worker processes (issue 12 §1, issue 10 item 3).
describe('evaluation that cannot leak', () => {
  let system: RunningSystem;
  let admin: JobClient;
  let clientKey: string;
  const base = distinct(labelledProducts(3_000));
  const grown = distinct([...base, ...labelledProducts(1_500, 7)]);
  const fresh = distinct(labelledProducts(600, 11)).filter(
    (row) => !grown.some((g) => normalizeText(g.text) === normalizeText(row.text)),
  );

  beforeAll(async () => {
    system = await startSystem('e2e_eval', { PROMOTION_MIN_ROWS: '100' });
    admin = system.client;
    const made = generateApiKey();
    await new ApiKeyRepository(system.database.db).create({
      id: made.id,
      name: 'client',
      role: 'CLIENT',
      hash: made.hash,
    });
    clientKey = made.key;
  });

  afterAll(async () => {
    await system?.stop();
  });

  const dataset = () => `s3://${system.s3.buckets.dataset}`;
  const manifestOf = async (version: number) =>
    JSON.parse(
      (
        await system.s3.store.downloadBytes(`s3://${system.s3.buckets.models}/${version}/manifest.json`)
      ).toString('utf8'),
    ) as ModelManifest;
  const trainFile = async (client: JobClient, uri: string, epochs: number): Promise<JobView> => {
    const job = await client.finished(
      await client.submit('/v1/train/csv', {
        train_file_s3: uri,
        epoch_num: epochs,
        best_model_metric: 'eval_f1',
      }),
      120_000,
    );
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    return job;
  };
  const promoteByHand = async (version: number) =>
    expect((await admin.post(`/v1/models/${version}/promote`, {})).status).toBe(200);
  const predictVerified = async (name: string, rows: readonly LabelledText[]) => {
    await system.s3.store.upload(`${dataset()}/${name}`, labelledCsv(rows, 'HUMAN_VERIFIED_Category'));
    const job = await admin.finished(
      await admin.submit('/v1/predict/csv', { input_file_s3: `${dataset()}/${name}` }),
      90_000,
    );
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    const points = (await admin.get(`/v1/monitoring?model_version=${job.result?.model_version}`)).body
      .items as Record<string, unknown>[];
    return { job, point: points.find((p) => p.job_id === job.job_id) };
  };

  it('trains on the text-hash rule, shows every epoch while the job runs, and records the first promotion', async () => {
    await system.s3.store.upload(`${dataset()}/base.csv`, labelledCsv(base));
    const id = await admin.submit('/v1/train/csv', {
      train_file_s3: `${dataset()}/base.csv`,
      epoch_num: 10,
      best_model_metric: 'eval_f1',
    });
    const running = await admin.until(
      id,
      (view) =>
        view.status !== 'QUEUED' && view.status !== 'RUNNING' ? true : (view.report?.epochs.length ?? 0) > 0,
      120_000,
    );
    expect(running.status, 'epochs are shown before the job ends').toBe('RUNNING');
    expect(running.report?.epochs[0]).toMatchObject({
      epoch: 1,
      epochs: 10,
      eval_f1: expect.any(Number),
      eval_f1_min: expect.any(Number),
    });
    const done = await admin.finished(id, 120_000);
    expect(done.status, JSON.stringify(done.error)).toBe('SUCCEEDED');
    expect(done.report?.epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(done.report?.promotion).toMatchObject({ promoted: true, reason: 'first model: promoted' });
    const model = (await admin.get('/v1/models/1')).body;
    expect(model.promotion).toMatchObject({
      promoted: true,
      reason: 'first model: promoted',
      comparison: null,
    });

    const manifest = await manifestOf(1);
    expect(manifest.trainingSet).toMatchObject({
      validationRule: { kind: 'text-hash', seed: 42, fraction: 0.1 },
      refit: false,
    });
    // Validation rows are exactly the rule's: never fitted on, every other row fitted on.
    const validation = base.filter((row) => isValidationRow(row.text));
    expect(validation.every((row) => trainedOn(manifest, row.text) === false)).toBe(true);
    expect(
      base.filter((row) => !isValidationRow(row.text)).every((row) => trainedOn(manifest, row.text)),
    ).toBe(true);
    // Stratified enough: every class keeps 6–14% of its rows for validation.
    for (const label of new Set(base.map((row) => row.label))) {
      const rows = base.filter((row) => row.label === label);
      const share = rows.filter((row) => isValidationRow(row.text)).length / rows.length;
      expect(share, label).toBeGreaterThan(0.06);
      expect(share, label).toBeLessThan(0.14);
    }
  });

  it('keeps every row on its side as the data grows, and promotes on the rows neither model trained on', async () => {
    await system.s3.store.upload(`${dataset()}/grown.csv`, labelledCsv(grown));
    const job = await trainFile(admin, `${dataset()}/grown.csv`, 3);
    expect(job.result?.model_version).toBe(2);
    const [first, second] = [await manifestOf(1), await manifestOf(2)];
    // A row the first model trained on is trained on by the second; none of its unseen rows moved into training.
    const unseenByFirst = base.filter((row) => trainedOn(first, row.text) === false);
    expect(base.filter((row) => trainedOn(first, row.text)).every((row) => trainedOn(second, row.text))).toBe(
      true,
    );
    expect(unseenByFirst.filter((row) => trainedOn(second, row.text)).length).toBeLessThanOrEqual(
      Math.ceil(unseenByFirst.length * 0.01),
    );

    const common = grown.filter(
      (row) =>
        isValidationRow(row.text) &&
        trainedOn(first, row.text) === false &&
        trainedOn(second, row.text) === false,
    );
    const { promotion } = (await admin.get('/v1/models/2')).body as { promotion: Record<string, unknown> };
    const comparison = promotion.comparison as { candidate: number; serving: number; rows: number };
    expect(comparison).toMatchObject({ metric: 'eval_f1', serving_version: 1, rows: common.length });
    expect(common.length).toBeGreaterThan(300);
    expect(promotion.promoted).toBe(comparison.candidate >= comparison.serving);
    expect(promotion.reason).toContain(`on ${common.length} rows neither trained on`);
    expect(job.report?.promotion).toMatchObject({ promoted: promotion.promoted, comparison });
    if (!promotion.promoted) await promoteByHand(2);
  });

  it("never promotes a client key's poisoned training; the serving model keeps answering correctly", async () => {
    // Two labels swapped on every row, submitted by a client key through its own upload.
    const [a, b] = ['Beverages', 'Household & Personal Care'];
    const poisoned = grown.map((row) => ({
      text: row.text,
      label: row.label === a ? b : row.label === b ? a : row.label,
    }));
    const client = jobClient(system.api, clientKey);
    const upload = await fetch(`${system.api}/v1/uploads?name=poison.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', ...bearer(clientKey) },
      body: labelledCsv(poisoned),
    });
    expect(upload.status).toBe(201);
    const { uri } = (await upload.json()) as { uri: string };
    const job = await trainFile(client, uri, 3);
    expect(job.result?.model_version).toBe(3);
    expect(job.result?.details).toMatchObject({ promoted: false });
    const model = (await admin.get('/v1/models/3')).body as {
      stage: string;
      promotion: Record<string, unknown>;
    };
    expect(model.stage).toBe('NONE');
    expect(model.promotion).toMatchObject({ promoted: false, comparison: null });
    expect(model.promotion.reason).toMatch(/client key/);

    const probes = fresh.filter((row) => row.label === a || row.label === b).slice(0, 50);
    expect(probes.length).toBeGreaterThan(20);
    const answer = await admin.post('/v1/predict', { texts: probes.map((row) => row.text) });
    expect(answer.status).toBe(200);
    expect(answer.body.model_version).toBe(2);
    const predictions = answer.body.predictions as { label: string }[];
    const right = probes.filter((row, i) => predictions[i]?.label === row.label).length;
    expect(right / probes.length).toBeGreaterThan(0.8);
  });

  it('scores newer versions as shadows, and leaves rows the serving model trained on out of its F1', async () => {
    // Version 3 (READY, not serving, newer) is a shadow of this job; no row here was trained on by anyone.
    const before = await predictVerified('fresh.csv', fresh);
    expect(before.job.result?.model_version).toBe(2);
    expect(before.job.result?.details).toMatchObject({
      labelled_rows: fresh.length,
      metrics: { seen_rows: 0, unseen_rows: fresh.length, weighted_f1: expect.any(Number) },
    });
    expect(before.point).toMatchObject({ seen_rows: 0, unseen_rows: fresh.length });
    const third = await manifestOf(3);
    const [shadow] = (before.point?.shadow ?? []) as Record<string, unknown>[];
    expect(shadow).toMatchObject({
      model_version: 3,
      scored_rows: fresh.filter((row) => trainedOn(third, row.text) === false).length,
      weighted_f1: expect.any(Number),
    });
    // The swapped labels cost it on live rows, before anyone promoted it.
    expect(shadow?.weighted_f1 as number).toBeLessThan(before.point?.weighted_f1 as number);
    const metrics = await (await fetch(`${system.api}/metrics`)).text();
    expect(metrics).toMatch(/^shelfwise_model_shadow_f1\{model_version="3"\} 0\.\d+/m);

    // Retrained on those verified rows and promoted: monitored on them again, every one is seen.
    await system.s3.store.upload(`${dataset()}/with-fresh.csv`, labelledCsv([...grown, ...fresh]));
    const retrained = await trainFile(admin, `${dataset()}/with-fresh.csv`, 3);
    const version = retrained.result?.model_version as number;
    if (retrained.result?.details.promoted !== true) await promoteByHand(version);
    const after = await predictVerified('fresh-again.csv', fresh);
    expect(after.job.result?.model_version).toBe(version);
    const retrainedManifest = await manifestOf(version);
    const seen = fresh.filter((row) => trainedOn(retrainedManifest, row.text));
    expect(seen.length).toBeGreaterThan(fresh.length * 0.85);
    expect(after.point).toMatchObject({ seen_rows: seen.length, unseen_rows: fresh.length - seen.length });
    const row = await system.database.db.monitoringMetric.findUnique({ where: { jobId: after.job.job_id } });
    expect(row).toMatchObject({ labelledRows: fresh.length, seenRows: seen.length });
  });
});
