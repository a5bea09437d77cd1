import { Readable } from 'node:stream';
import { readCsvBatches } from '@shelfwise/csv';
import { incompleteUploads, labelledProducts, toCsv } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSystem, startSystem } from '../support/start-system';

const REVIEW_CONFIDENCE = 0.99;

/** A CSV object as its header and rows, read by the system's own reader (it refuses a duplicated column). */
async function csvTable(bytes: Buffer): Promise<{ header: string[]; rows: string[][] }> {
  let header: string[] = [];
  const rows: string[][] = [];
  for await (const batch of readCsvBatches(Readable.from([bytes]), {}, ({ columns }) => {
    header = columns;
  }))
    rows.push(...batch);
  return { header, rows };
}

// The feedback loop as users drive it, on the real gateway and worker processes, MySQL, Redis and S3:
// retraining from the training folder reads what predict jobs captured, the review file goes round the loop,
// and a predictions file can be predicted again.
describe('the feedback loop end to end', () => {
  let system: RunningSystem;
  const trainDir = () => `s3://${system.s3.buckets.dataset}/train/`;
  const finishedJob = async (path: string, body: unknown) =>
    system.client.finished(await system.client.submit(path, body), 120_000);
  const download = async (uri: string) => system.s3.store.downloadBytes(uri);

  beforeAll(async () => {
    system = await startSystem('e2e_feedback', { REVIEW_CONFIDENCE: String(REVIEW_CONFIDENCE) });
    const train = labelledProducts(3_000);
    await system.s3.store.upload(
      `${trainDir()}train.csv`,
      toCsv(
        ['product_description', 'Category'],
        train.map((r) => [r.text, r.label]),
      ),
    );
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('fails human_feedback with NO_FEEDBACK, naming where it looked, while no verified row exists', async () => {
    const job = await finishedJob('/v1/train/human_feedback', { train_dir_s3: trainDir(), epoch_num: 2 });
    expect(job.status).toBe('FAILED');
    expect(job.error?.code).toBe('NO_FEEDBACK');
    expect(job.error?.message).toContain(
      `no feedback captured under s3://${system.s3.buckets.dataset}/feedback/`,
    );
    expect(job.error?.message).toContain(`labels in the CSVs under ${trainDir()}`);
  });

  it('predicts, writes the unsure rows for review, takes them back as feedback and retrains on all of it', async () => {
    const { s3 } = system;
    const dataset = `s3://${s3.buckets.dataset}`;
    const trained = await finishedJob('/v1/train/csv', {
      train_file_s3: `${trainDir()}train.csv`,
      epoch_num: 3,
    });
    expect(trained.status, JSON.stringify(trained.error)).toBe('SUCCEEDED');

    // 200 held-out rows, every other one verified, and a few no category explains.
    const held = labelledProducts(200, 3);
    const odd = ['zq xv 7k', 'qqq rrr', 'item 0042', 'misc assorted', 'sample'];
    const incoming = [
      ...held.map((r, i) => [String(i), r.text, i % 2 === 0 ? r.label : '']),
      ...odd.map((text, i) => [`odd-${i}`, text, '']),
    ];
    await s3.store.upload(
      `${dataset}/incoming.csv`,
      toCsv(['sku', 'product_description', 'HUMAN_VERIFIED_Category'], incoming),
    );
    const predicted = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset}/incoming.csv` });
    expect(predicted.status, JSON.stringify(predicted.error)).toBe('SUCCEEDED');
    const predictions = await csvTable(await download(predicted.result?.output_uri as string));
    expect(predictions.header).toEqual([
      'sku',
      'product_description',
      'HUMAN_VERIFIED_Category',
      'predicted_category',
      'confidence',
    ]);
    // The review file: every unlabelled row shown below the threshold, in the input's columns, label empty.
    const unsure = predictions.rows.filter((row) => row[2] === '' && Number(row[4]) < REVIEW_CONFIDENCE);
    expect(unsure.length).toBeGreaterThan(0);
    const reviewUri = `${dataset}/review/${predicted.job_id}.csv`;
    expect(predicted.result?.details).toMatchObject({
      labelled_rows: 100,
      review_rows: unsure.length,
      review_uri: reviewUri,
    });
    const review = await csvTable(await download(reviewUri));
    expect(review.header).toEqual(['sku', 'product_description', 'HUMAN_VERIFIED_Category']);
    expect(review.rows).toEqual(unsure.map((row) => [row[0], row[1], '']));

    // A person fills the review file in and it goes back through predict (an admin can submit the review
    // object itself): its rows become feedback like any verified file's.
    const truth = new Map(held.map((r) => [r.text, r.label]));
    const filled = review.rows.map(([sku, text]) => [
      sku as string,
      text as string,
      truth.get(text as string) ?? 'Specialty & Miscellaneous',
    ]);
    await s3.store.upload(reviewUri, toCsv(review.header, filled));
    const reviewed = await finishedJob('/v1/predict/csv', { input_file_s3: reviewUri });
    expect(reviewed.status, JSON.stringify(reviewed.error)).toBe('SUCCEEDED');
    expect(reviewed.result?.details).toMatchObject({
      labelled_rows: filled.length,
      review_rows: 0,
      review_uri: null,
    });

    // Retraining from the training folder, as users of the original service call it: the captured feedback
    // of both predict jobs is read with it.
    const retrained = await finishedJob('/v1/train/human_feedback', {
      train_dir_s3: trainDir(),
      epoch_num: 2,
    });
    expect(retrained.status, JSON.stringify(retrained.error)).toBe('SUCCEEDED');
    expect(retrained.result?.details).toMatchObject({
      rows_by_source: { training: 3_000, verified: 0, feedback: 100 + filled.length },
    });
  });

  it('predicts a predictions file again: one set of prediction columns, holding fresh predictions', async () => {
    const { s3 } = system;
    const dataset = `s3://${s3.buckets.dataset}`;
    const texts = labelledProducts(50, 11).map((r) => [r.text]);
    await s3.store.upload(`${dataset}/again.csv`, toCsv(['product_description'], texts));
    const first = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset}/again.csv` });
    expect(first.status, JSON.stringify(first.error)).toBe('SUCCEEDED');
    const original = await csvTable(await download(first.result?.output_uri as string));

    // Sent back with its prediction columns overwritten: the new job must replace them, not trust them.
    const stale = original.rows.map(([text]) => [text as string, 'stale label', '0.000001']);
    await s3.store.upload(`${dataset}/sent-back.csv`, toCsv(original.header, stale));
    const again = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset}/sent-back.csv` });
    expect(again.status, JSON.stringify(again.error)).toBe('SUCCEEDED');
    const repredicted = await csvTable(await download(again.result?.output_uri as string));
    expect(repredicted.header).toEqual(['product_description', 'predicted_category', 'confidence']);
    // The same model version serves: the fresh predictions are the first job's.
    expect(again.result?.model_version).toBe(first.result?.model_version);
    expect(repredicted.rows).toEqual(original.rows);
  });

  it('leaves no review file when the job fails after review rows were already being written', async () => {
    const { s3 } = system;
    const dataset = `s3://${s3.buckets.dataset}`;
    // Big enough to be read and predicted in many batches; the same rows, with and without a bad last row.
    const texts = [
      ...['zq xv 7k', 'qqq rrr', 'misc assorted'],
      ...labelledProducts(400, 17).map((r) => r.text),
    ];
    const rows = Array.from({ length: 20_000 }, (_, i) => [String(i), texts[i % texts.length] as string]);
    await s3.store.upload(`${dataset}/big.csv`, toCsv(['sku', 'product_description'], rows));
    const good = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset}/big.csv` });
    expect(good.status, JSON.stringify(good.error)).toBe('SUCCEEDED');
    // Review rows start in the first batch, long before the reader reaches the end of the file.
    const review = await csvTable(await download(good.result?.details.review_uri as string));
    expect(Number(review.rows[0]?.[0])).toBeLessThan(1_024);

    await s3.store.upload(
      `${dataset}/big-bad.csv`,
      toCsv(['sku', 'product_description'], [...rows, ['x', '']]),
    );
    const bad = await finishedJob('/v1/predict/csv', { input_file_s3: `${dataset}/big-bad.csv` });
    expect(bad.status).toBe('FAILED');
    expect(bad.error?.message).toContain('row 20001: empty product_description');
    expect(await s3.store.exists(`${dataset}/review/${bad.job_id}.csv`)).toBe(false);
    expect(await incompleteUploads(s3.settings, s3.buckets.dataset, `review/${bad.job_id}`)).toEqual([]);
    expect(await s3.store.exists(`s3://${s3.buckets.inference}/${bad.job_id}/predictions.csv`)).toBe(false);
  });
});
