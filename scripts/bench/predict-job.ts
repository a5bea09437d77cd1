// `pnpm bench:predict-job [rows]`: one predict-csv job end to end through the real worker process on a
// generated CSV (default 1,000,000 rows); prints rows/s and the worker's peak RSS.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { queuedJob } from '@shelfwise/contracts';
import { JobRepository } from '@shelfwise/db';
import { createRedis } from '@shelfwise/infrastructure';
import { JobProducer } from '@shelfwise/queue';
import { freePort } from '@shelfwise/test-kit';
import { peakRssMb, startBenchStack, until } from './bench-stack';

const rows = Number(process.argv[2] ?? 1_000_000);
const stack = await startBenchStack();
try {
  const inputUri = `s3://${stack.buckets.dataset}/bench/input.csv`;
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  async function* csv() {
    yield 'product_description,HUMAN_VERIFIED_Category\n';
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      const example = stack.examples[(i * 7919) % stack.examples.length];
      if (!example) continue;
      // One row in ten carries a human label, as production files do.
      chunk += `${quote(example.text)},${i % 10 === 0 ? quote(example.label) : ''}\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk;
  }
  await stack.store.upload(inputUri, Readable.from(csv()), 'text/csv');
  const size = await stack.store.size(inputUri);
  console.log(`input: ${rows.toLocaleString()} rows, ${((size ?? 0) / 1e6).toFixed(1)} MB`);

  const workerPort = await freePort();
  const worker = stack.start('worker', { WORKER_QUEUES: 'inference', WORKER_PORT: String(workerPort) });
  // Measure the job, not the process start: wait until the worker is ready.
  await until(async () => (await fetch(`http://127.0.0.1:${workerPort}/readyz`)).ok, 60_000);
  const baselineRss = worker.pid ? await peakRssMb(worker.pid) : Number.NaN;
  const jobs = new JobRepository(stack.db);
  const connection = createRedis('redis://127.0.0.1:6379', 'worker');
  const producer = new JobProducer({
    connection,
    prefix: stack.env.QUEUE_PREFIX ?? '',
    attempts: 1,
    backoffMs: 0,
  });
  const id = randomUUID();
  await jobs.create({ id, type: 'PREDICT_CSV', input: { input_file_s3: inputUri } });
  const submitted = performance.now();
  await producer.enqueue(queuedJob('predict-csv', { jobId: id, inputUri }), id);
  await until(
    async () => ['SUCCEEDED', 'FAILED'].includes((await jobs.findById(id))?.status ?? ''),
    600_000,
    200,
  );
  const wallS = (performance.now() - submitted) / 1000;
  const job = await jobs.findById(id);
  if (job?.status !== 'SUCCEEDED') throw new Error(`job ${job?.status}: ${job?.errorMessage}`);
  const runS = ((job.finishedAt?.getTime() ?? 0) - (job.startedAt?.getTime() ?? 0)) / 1000;
  const rss = worker.pid ? await peakRssMb(worker.pid) : Number.NaN;
  console.log(
    JSON.stringify(
      {
        rows,
        submitToDoneS: Number(wallS.toFixed(2)),
        jobRunS: Number(runS.toFixed(2)),
        rowsPerSecond: Math.round(rows / wallS),
        rowsPerSecondWhileRunning: Math.round(rows / runS),
        workerPeakRssMb: Math.round(rss),
        workerRssBeforeJobMb: Math.round(baselineRss),
        targets: { rowsPerSecond: 150_000, workerPeakRssMb: 400 },
      },
      null,
      2,
    ),
  );
  await producer.close();
  connection.disconnect();
  worker.kill('SIGTERM');
  await new Promise((resolve) => worker.once('exit', resolve));
} finally {
  await stack.close();
}
