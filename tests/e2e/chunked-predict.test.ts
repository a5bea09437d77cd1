import { queuedJob } from '@shelfwise/contracts';
import { createRedis } from '@shelfwise/infrastructure';
import { METRIC } from '@shelfwise/metrics';
import { JobProducer } from '@shelfwise/queue';
import {
  createTestDatabase,
  createTestS3,
  labelledProducts,
  type TestDatabase,
  type TestS3,
  toCsv,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, pollUntil, startReady } from '../support/app-process';
import { type JobClient, jobClient } from '../support/job-client';
import { logLines } from '../support/log-lines';
import { parsePrometheusText, total } from '../support/prometheus-text';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

const CHUNK_ROWS = 1_000;

/**
 * A predict input of `rows` rows whose texts hold quoted newlines right at every chunk edge (the last
 * row of a chunk ends with one, the first of the next starts with one), some human-verified rows (feedback,
 * scores) and cells a spreadsheet would read as formulas.
 */
function chunkyInput(rows: number): string {
  const products = labelledProducts(rows, 11);
  return toCsv(
    ['product_description', 'HUMAN_VERIFIED_Category', 'note'],
    products.map((product, i) => {
      const row = i + 1;
      const edge = row % CHUNK_ROWS;
      const text =
        edge === 0
          ? `${product.text}\n`
          : edge === 1
            ? `\n${product.text}`
            : edge === 999
              ? `${product.text}\r\nmore`
              : product.text;
      return [text, i % 7 === 0 ? product.label : '', i % 500 === 3 ? '=SUM(A1:A9)' : `n${row}`];
    }),
  );
}

// Real gateway and worker processes, MySQL, Redis and S3: one job's chunks spread over two workers.
describe('a predict job over more than PREDICT_CHUNK_ROWS rows', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let client: JobClient;
  let env: Record<string, string>;
  const apps: AppProcess[] = [];
  const dataset = () => `s3://${s3.buckets.dataset}`;

  const launchWorker = async (extra: Record<string, string> = {}) => {
    const { app, url } = await startReady(
      'worker',
      { ...env, WORKER_QUEUES: 'inference', PREDICT_CHUNK_ROWS: String(CHUNK_ROWS), ...extra },
      apps,
    );
    return Object.assign(app, { url });
  };
  /** The worker's shelfwise_rows_predicted_total, over every model version. */
  const rowsPredicted = async (worker: { url: string }) =>
    total(parsePrometheusText(await (await fetch(`${worker.url}/metrics`)).text()), METRIC.rowsPredicted) ??
    0;
  const chunksDone = (output: string, jobId: string) =>
    logLines(output)
      .filter((line) => line.jobId === jobId && line.msg === 'chunk predicted' && line.state === 'done')
      .map((line) => line.chunk as number);
  /** The files the single worker wrote for chunky.csv, which every chunked run must match byte for byte. */
  const oneWorkerFiles: Record<string, string> = {};
  const bytesOf = async (uri: unknown) => (await s3.store.downloadBytes(String(uri))).toString('utf8');

  beforeAll(async () => {
    database = await createTestDatabase('e2e_chunks');
    s3 = await createTestS3();
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    await s3.store.upload(`${dataset()}/chunky.csv`, chunkyInput(5_200));
    await s3.store.upload(`${dataset()}/many.csv`, chunkyInput(40_000));
    env = {
      DATABASE_URL: database.url,
      ...s3Env(s3),
      QUEUE_PREFIX: uniquePrefix('chunks'),
      REVIEW_CONFIDENCE: '0.9',
      WORKER_LOCK_MS: '2000',
      WORKER_STALLED_INTERVAL_MS: '500',
      RECONCILE_INTERVAL_MS: '500',
      RECONCILE_MIN_AGE_MS: '0',
      LOG_LEVEL: 'info',
    };
    client = jobClient((await startReady('gateway', env, apps)).url);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await database?.drop();
  });

  it('writes, from chunks on two workers, the very bytes one worker writes, and removes the parts', async () => {
    const input = { input_file_s3: `${dataset()}/chunky.csv` };
    const single = await launchWorker({ PREDICT_CHUNK_ROWS: '1000000' });
    const alone = await client.finished(await client.submit('/v1/predict/csv', input));
    expect(alone.status, JSON.stringify(alone.error)).toBe('SUCCEEDED');
    await single.stop();

    const workers = [await launchWorker(), await launchWorker()];
    const id = await client.submit('/v1/predict/csv', input);
    const chunked = await client.finished(id);
    // On failure, the workers' warnings say which chunk failed and why.
    const warnings = workers.flatMap((worker) =>
      logLines(worker.output()).filter((line) => Number(line.level) >= 40),
    );
    expect(chunked.status, JSON.stringify({ error: chunked.error, warnings })).toBe('SUCCEEDED');

    // Six chunks (5,200 rows by 1,000), each predicted once, by whichever worker took it.
    const done = workers.flatMap((worker) => chunksDone(worker.output(), id));
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    const one = alone.result?.details as Record<string, unknown>;
    const many = chunked.result?.details as Record<string, unknown>;
    expect(many.rows).toBe(5_200);
    expect((many.review_rows as number) > 0 && (many.labelled_rows as number) > 0).toBe(true);
    expect({ ...many, output_uri: null, feedback_uri: null, review_uri: null }).toEqual({
      ...one,
      output_uri: null,
      feedback_uri: null,
      review_uri: null,
    });
    for (const file of ['output_uri', 'feedback_uri', 'review_uri']) {
      oneWorkerFiles[file] = await bytesOf(one[file]);
      expect(await bytesOf(many[file]), file).toBe(oneWorkerFiles[file]);
    }
    // One predictions object and nothing else under the job; no chunk left in MySQL; one monitoring point.
    const objects = await s3.store.list(`s3://${s3.buckets.inference}/${id}/`);
    expect(objects.map((o) => o.key)).toEqual([`${id}/predictions.csv`]);
    expect(await database.db.predictChunk.count({ where: { jobId: id } })).toBe(0);
    const points = await database.db.monitoringMetric.findMany({
      where: { jobId: { in: [id, alone.job_id] } },
    });
    expect(points).toHaveLength(2);
    expect(points[0]?.weightedF1).toBe(points[1]?.weightedF1);
    expect(await database.db.feedbackBatch.count({ where: { jobId: id } })).toBe(1);
    await Promise.all(workers.map((worker) => worker.stop()));
  });

  it('redoes after kill -9 of a worker only the chunk it held, never one that was done', async () => {
    const [killed, survivor] = [await launchWorker(), await launchWorker()];
    const id = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset()}/many.csv` });
    // A fifth of the chunks done (each worker finished some) before one worker dies without warning.
    await pollUntil(
      () => database.db.predictChunk.count({ where: { jobId: id, NOT: { doneAt: null } } }),
      (done) => done >= 8,
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    const beforeKill = await rowsPredicted(killed);
    killed.child.kill('SIGKILL');
    await killed.exited;
    const job = await client.finished(id, 120_000);
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');

    // No chunk was done twice; rows predicted in all stay within the file's rows plus the chunk the killed
    // worker held and a batch it may have predicted after its counter was read (a restart from row 1, as
    // before chunking, would predict the 8,000 rows and more done before the kill again).
    const done = [...chunksDone(killed.output(), id), ...chunksDone(survivor.output(), id)];
    expect(new Set(done).size).toBe(done.length);
    expect(beforeKill).toBeGreaterThan(0);
    expect(beforeKill + (await rowsPredicted(survivor))).toBeLessThanOrEqual(40_000 + 2 * CHUNK_ROWS);
    const lines = (await bytesOf(job.result?.output_uri)).split('\n');
    expect(lines[0]).toBe('product_description,HUMAN_VERIFIED_Category,note,predicted_category,confidence');
    expect(job.result?.details).toMatchObject({ rows: 40_000 });
    await survivor.stop();
  });

  it('writes the same bytes and records a chunk once when every chunk is delivered twice', async () => {
    const workers = [await launchWorker(), await launchWorker()];
    const connection = createRedis('redis://127.0.0.1:6379', 'worker');
    const producer = new JobProducer({
      connection,
      prefix: env.QUEUE_PREFIX ?? '',
      attempts: 1,
      backoffMs: 0,
    });
    const inputUri = `${dataset()}/chunky.csv`;
    const id = await client.submit('/v1/predict/csv', { input_file_s3: inputUri });
    const planned = await pollUntil(
      () => database.db.predictChunk.count({ where: { jobId: id } }),
      (chunks) => chunks === 6,
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    // A second copy of each chunk job, as a redelivery would give (same payload, another queue entry), put
    // at the head of the queue (last first), so copies run while their originals still run.
    const inputEtag = (await s3.store.head(inputUri))?.etag;
    const inference = producer.queue('inference');
    const copies: Awaited<ReturnType<typeof inference.add>>[] = [];
    for (let chunk = planned - 1; chunk >= 0; chunk--) {
      const { name, payload } = queuedJob('predict-chunk', { jobId: id, chunk, inputUri, inputEtag });
      copies.push(await inference.add(name, payload, { jobId: `${id}-again-${chunk}`, lifo: true }));
    }
    const job = await client.finished(id);
    expect(job.status, JSON.stringify(job.error)).toBe('SUCCEEDED');
    await pollUntil(
      () => Promise.all(copies.map((copy) => copy.getState())),
      (states) => states.every((state) => state === 'completed'),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    const details = job.result?.details as Record<string, unknown>;
    for (const file of ['output_uri', 'feedback_uri', 'review_uri']) {
      expect(await bytesOf(details[file]), file).toBe(oneWorkerFiles[file]);
    }
    const done = workers.flatMap((worker) => chunksDone(worker.output(), id));
    expect(done.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5]);
    const objects = await s3.store.list(`s3://${s3.buckets.inference}/${id}/`);
    expect(objects.map((o) => o.key)).toEqual([`${id}/predictions.csv`]);
    await producer.close();
    connection.disconnect();
    await Promise.all(workers.map((worker) => worker.stop()));
  });

  it('stops every chunk when cancelled and leaves no output', async () => {
    const workers = [await launchWorker(), await launchWorker()];
    const id = await client.submit('/v1/predict/csv', { input_file_s3: `${dataset()}/many.csv` });
    await client.until(id, (job) => job.status === 'RUNNING' && job.progress > 0.05);
    const cancelled = await client.post(`/v1/jobs/${id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    // The parts written before the cancel are swept, and no predictions object is ever written.
    await pollUntil(
      async () => ({
        objects: await s3.store.list(`s3://${s3.buckets.inference}/${id}/`),
        chunks: await database.db.predictChunk.count({ where: { jobId: id } }),
      }),
      (left) => left.objects.length === 0 && left.chunks === 0,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect((await client.job(id)).status).toBe('CANCELLED');
    const done = workers.flatMap((worker) => chunksDone(worker.output(), id));
    expect(done.length).toBeLessThan(40);
    expect(await s3.store.exists(`s3://${s3.buckets.dataset}/feedback/${id}.csv`)).toBe(false);
    await Promise.all(workers.map((worker) => worker.stop()));
  });
});
