import { type ModelManifest, trainedOn } from '@shelfwise/classifier';
import { labelledProducts, toCsv } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/app-process';
import { type RunningSystem, startSystem } from '../support/start-system';

// The whole system as users run it: real gateway and worker processes, MySQL, Redis and the S3 server.
describe('the job system end to end', () => {
  let system: RunningSystem;

  beforeAll(async () => {
    // A second model must wait for a manual promote, so the test controls which version serves.
    system = await startSystem('e2e_jobs', { AUTO_PROMOTE: 'never' });
  });

  afterAll(async () => {
    await system?.stop();
  });

  const dataset = () => `s3://${system.s3.buckets.dataset}`;
  const finishedJob = async (path: string, body: unknown) =>
    system.client.finished(await system.client.submit(path, body), 90_000);

  it('fails a prediction with NO_MODEL before any model exists, the code said once', async () => {
    await system.s3.store.upload(`${dataset()}/early.csv`, toCsv(['product_description'], [['green tea']]));
    const job = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset()}/early.csv` });
    expect(job.status).toBe('FAILED');
    expect(job.error?.code).toBe('NO_MODEL');
    expect(job.error?.message).toMatch(/^no model version is serving yet/);
    // The online path learns the reason from the worker's failed job: a 503 NO_MODEL, not a bare failure.
    const online = await system.client.post('/v1/predict', { texts: ['green tea'] });
    expect(online.status).toBe(503);
    expect(online.body.error).toMatchObject({
      code: 'NO_MODEL',
      message: expect.stringMatching(/^no model/),
    });
  });

  it('trains, predicts a file with verified labels, retrains, promotes and swaps without a restart', async () => {
    const { s3, database, client } = system;
    const train = labelledProducts(3_000);
    await s3.store.upload(
      `${dataset()}/train.csv`,
      toCsv(
        ['product_description', 'Category'],
        train.map((r) => [r.text, r.label]),
      ),
    );
    const first = await finishedJob('/v1/train/csv', {
      train_file_s3: `${dataset()}/train.csv`,
      epoch_num: 5,
      best_model_metric: 'eval_f1',
    });
    expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
    expect(first.result?.model_version).toBe(1);
    expect(first.result?.details).toMatchObject({
      model_version: 1,
      promoted: true,
      dataset_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      // A repeated description is one example (the last label wins), so rows counts distinct texts.
      rows: new Set(train.map((r) => r.text)).size,
    });
    expect((await client.get('/v1/models/1')).body).toMatchObject({ version: 1, stage: 'PRODUCTION' });
    expect(await s3.store.exists(`s3://${s3.buckets.models}/1/model.onnx`)).toBe(true);
    expect(await s3.store.exists(`s3://${s3.buckets.models}/1/manifest.json`)).toBe(true);

    // An inference file: 200 held-out rows, every other one verified by a human.
    const held = labelledProducts(200, 3);
    await s3.store.upload(
      `${dataset()}/incoming.csv`,
      toCsv(
        ['product_description', 'HUMAN_VERIFIED_Category'],
        held.map((r, i) => [r.text, i % 2 === 0 ? r.label : '']),
      ),
    );
    const predicted = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset()}/incoming.csv` });
    expect(predicted.status, JSON.stringify(predicted.error)).toBe('SUCCEEDED');
    expect(predicted.result?.model_version).toBe(1);
    const outputUri = `s3://${s3.buckets.inference}/${predicted.job_id}/predictions.csv`;
    expect(predicted.result?.output_uri).toBe(outputUri);
    const lines = (await s3.store.downloadBytes(outputUri)).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe('product_description,HUMAN_VERIFIED_Category,predicted_category,confidence');
    expect(lines).toHaveLength(201);
    const labels = new Set(train.map((r) => r.label));
    const correct = held.filter((r, i) => lines[i + 1]?.includes(`,${r.label},`)).length;
    expect(correct / held.length).toBeGreaterThan(0.8);
    for (const line of lines.slice(1)) expect([...labels].some((l) => line.includes(`,${l},`))).toBe(true);

    const feedbackUri = `s3://${s3.buckets.dataset}/feedback/${predicted.job_id}.csv`;
    const manifest = JSON.parse(
      (await s3.store.downloadBytes(`s3://${s3.buckets.models}/1/manifest.json`)).toString('utf8'),
    ) as ModelManifest;
    const seen = held.filter((r, i) => i % 2 === 0 && trainedOn(manifest, r.text)).length;
    expect(seen).toBeGreaterThan(0);
    // One naming convention in the API: the job's figures are snake_case like its other fields.
    const { review_rows: reviewRows, review_uri: reviewUri, ...details } = predicted.result?.details ?? {};
    expect(details).toEqual({
      output_uri: outputUri,
      rows: 200,
      labelled_rows: 100,
      feedback_uri: feedbackUri,
      model_version: 1,
      // The generator repeats descriptions: verified rows v1 trained on are counted apart, not scored.
      metrics: {
        weighted_f1: expect.any(Number),
        min_f1: expect.any(Number),
        seen_rows: seen,
        unseen_rows: 100 - seen,
      },
    });
    // The unsure unlabelled rows (how many depends on the model) have a file of their own, or none.
    expect(reviewUri).toBe(reviewRows ? `s3://${s3.buckets.dataset}/review/${predicted.job_id}.csv` : null);
    const feedback = (await s3.store.downloadBytes(feedbackUri)).toString('utf8').trim().split('\n');
    expect(feedback).toHaveLength(1 + 100);
    const monitoring = await database.db.monitoringMetric.findUnique({ where: { jobId: predicted.job_id } });
    expect(monitoring).toMatchObject({ rows: 200, labelledRows: 100 });
    expect(monitoring?.weightedF1).toBeGreaterThan(0.8);
    expect(monitoring?.latencyPerRowMs).toBeGreaterThan(0);
    const row = await database.db.job.findUnique({
      where: { id: predicted.job_id },
      include: { modelVersion: true },
    });
    expect(row?.modelVersion?.version).toBe(1);

    // Retrain on the base data plus the new feedback: version 2, not promoted (AUTO_PROMOTE=never).
    const second = await finishedJob('/v1/train/human_feedback', {
      train_dir_s3: `${dataset()}/`,
      epoch_num: 3,
      best_model_metric: 'eval_f1_min',
    });
    expect(second.status, JSON.stringify(second.error)).toBe('SUCCEEDED');
    expect(second.result?.model_version).toBe(2);
    expect(second.result?.details).toMatchObject({ promoted: false });

    expect((await client.post('/v1/models/2/promote', {})).status).toBe(200);
    const after = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset()}/incoming.csv` });
    expect(after.status).toBe('SUCCEEDED');
    expect(after.result?.model_version).toBe(2);

    // The online path sees the new version too, through the same running worker.
    const online = await pollUntil(
      () => client.post('/v1/predict', { texts: ['sparkling mineral water 1l'] }),
      (answer) => answer.status === 200 && answer.body.model_version === 2,
    );
    expect(online.body.predictions).toHaveLength(1);
  });

  it('fails a file with empty descriptions, naming the rows, and writes nothing', async () => {
    await system.s3.store.upload(
      `${dataset()}/bad.csv`,
      toCsv(
        ['sku', 'product_description'],
        [
          ['1', 'tea'],
          ['2', ''],
          ['3', 'coffee'],
          ['4', '  '],
        ],
      ),
    );
    const job = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset()}/bad.csv` });
    expect(job.status).toBe('FAILED');
    expect(job.error?.code).toBe('INVALID_CSV');
    expect(job.error?.message).toContain('row 2');
    expect(job.error?.message).toContain('row 4');
    expect(
      await system.s3.store.exists(`s3://${system.s3.buckets.inference}/${job.job_id}/predictions.csv`),
    ).toBe(false);
  });
});
