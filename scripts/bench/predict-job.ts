// `pnpm bench:predict-job [rows] [--workers 1,2,4] [--kill-at 0.5] [--chunk-rows N] [--threads T]`: one job
// end to end through real worker processes on a generated CSV (default 1,000,000 rows), once per worker
// count: rows/s and each worker's peak RSS, beside the embedded S3's own copy rate of the same file (the
// I/O floor: on the server's disk, and read and written again over HTTP). A file over PREDICT_CHUNK_ROWS rows is
// split into chunks any worker takes. `--kill-at 0.5`: one more run on the largest worker count, killing
// one worker (kill -9) once the job is half done, then reporting the rows predicted by every process
// (shelfwise_rows_predicted_total) against the file's rows plus two chunks. `--threads`: INFERENCE_THREADS of
// the workers (onnxruntime threads per run). CPU seconds per worker and of the embedded S3 say what was busy.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { loadConfig } from '@shelfwise/config';
import { queuedJob } from '@shelfwise/contracts';
import { JobRepository } from '@shelfwise/db';
import { createRedis } from '@shelfwise/infrastructure';
import { METRIC } from '@shelfwise/metrics';
import { JobProducer } from '@shelfwise/queue';
import { freePort } from '@shelfwise/test-kit';
import { type BenchStack, cpuSeconds, peakRssMb, startBenchStack, until } from './bench-stack';

const { values, positionals } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    'kill-at': { type: 'string' },
    'chunk-rows': { type: 'string' },
    threads: { type: 'string' },
  },
  allowPositionals: true,
});
const rows = Number(positionals[0] ?? 1_000_000);
const workerCounts = (values.workers ?? '1').split(',').map(Number);
const killAt = values['kill-at'] === undefined ? undefined : Number(values['kill-at']);
const workerEnv: Record<string, string> = {
  ...(values['chunk-rows'] ? { PREDICT_CHUNK_ROWS: values['chunk-rows'] } : {}),
  ...(values.threads ? { INFERENCE_THREADS: values.threads } : {}),
};

interface Worker {
  child: ChildProcess;
  port: number;
}

/** The worker's shelfwise_rows_predicted_total (every model version), from its /metrics. */
async function rowsPredicted(worker: Worker): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
  return text
    .split('\n')
    .filter(
      (line) => line.startsWith(`${METRIC.rowsPredicted}{`) || line.startsWith(`${METRIC.rowsPredicted} `),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function generate(stack: BenchStack, inputUri: string): Promise<void> {
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
}

async function runJob(stack: BenchStack, inputUri: string, count: number, kill?: number) {
  const workers: Worker[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const child = stack.start('worker', {
      WORKER_QUEUES: 'inference',
      WORKER_PORT: String(port),
      ...workerEnv,
    });
    workers.push({ child, port });
  }
  // Measure the job, not the process start: wait until every worker is ready.
  for (const { port } of workers) {
    await until(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, 120_000);
  }
  const jobs = new JobRepository(stack.db);
  const connection = createRedis('redis://127.0.0.1:6379', 'worker');
  const producer = new JobProducer({
    connection,
    prefix: stack.env.QUEUE_PREFIX ?? '',
    attempts: 3,
    backoffMs: 0,
  });
  const id = randomUUID();
  await jobs.create({ id, type: 'PREDICT_CSV', input: { input_file_s3: inputUri } });
  const submitted = performance.now();
  // The bench process serves the embedded S3: its CPU during the job is the store's.
  const storeCpu = process.cpuUsage();
  const cpuBefore = await Promise.all(workers.map(({ child }) => cpuSeconds(child.pid ?? 0)));
  await producer.enqueue(queuedJob('predict-csv', { jobId: id, inputUri }), id);
  let killed:
    | { worker: Worker; rowsPredicted: number; peakRssMb: number; cpuS: number; atProgress: number }
    | undefined;
  if (kill !== undefined) {
    const victim = workers[0] as Worker;
    await until(async () => ((await jobs.findById(id))?.progress ?? 0) >= kill, 600_000, 50);
    const [predicted, rss, cpu, progress] = await Promise.all([
      rowsPredicted(victim),
      peakRssMb(victim.child.pid ?? 0),
      cpuSeconds(victim.child.pid ?? 0),
      jobs.findById(id).then((row) => row?.progress ?? 0),
    ]);
    victim.child.kill('SIGKILL');
    killed = { worker: victim, rowsPredicted: predicted, peakRssMb: rss, cpuS: cpu, atProgress: progress };
  }
  await until(
    async () => ['SUCCEEDED', 'FAILED'].includes((await jobs.findById(id))?.status ?? ''),
    1_800_000,
    200,
  );
  const wallS = (performance.now() - submitted) / 1000;
  const job = await jobs.findById(id);
  if (job?.status !== 'SUCCEEDED') throw new Error(`job ${job?.status}: ${job?.errorMessage}`);
  const alive = workers.filter((worker) => worker !== killed?.worker);
  const peaks = await Promise.all(alive.map((worker) => peakRssMb(worker.child.pid ?? 0)));
  const cpuAfter = await Promise.all(alive.map(({ child }) => cpuSeconds(child.pid ?? 0)));
  const { user, system } = process.cpuUsage(storeCpu);
  const cpuOf = (worker: Worker, after: number) => after - (cpuBefore[workers.indexOf(worker)] ?? 0);
  const workerCpuS = [
    ...(killed ? [cpuOf(killed.worker, killed.cpuS)] : []),
    ...alive.map((worker, i) => cpuOf(worker, cpuAfter[i] ?? 0)),
  ];
  const storeCpuS = (user + system) / 1e6;
  const predicted = await Promise.all(alive.map(rowsPredicted));
  await producer.close();
  connection.disconnect();
  for (const { child } of alive) child.kill('SIGTERM');
  await Promise.all(alive.map(({ child }) => new Promise((resolve) => child.once('exit', resolve))));
  return {
    workers: count,
    submitToDoneS: Number(wallS.toFixed(2)),
    rowsPerSecond: Math.round(rows / wallS),
    workerPeakRssMb: [...(killed ? [killed.peakRssMb] : []), ...peaks].map(Math.round),
    // CPU seconds of each worker and of the embedded S3 over the job, and the cores they kept busy.
    workerCpuS: workerCpuS.map((s) => Number(s.toFixed(1))),
    storeCpuS: Number(storeCpuS.toFixed(1)),
    coresBusy: Number(((workerCpuS.reduce((a, b) => a + b, 0) + storeCpuS) / wallS).toFixed(2)),
    rowsPredicted: (killed?.rowsPredicted ?? 0) + predicted.reduce((a, b) => a + b, 0),
    ...(killed ? { killedAtProgress: Number(killed.atProgress.toFixed(3)) } : {}),
  };
}

const stack = await startBenchStack();
try {
  const inputUri = `s3://${stack.buckets.dataset}/bench/input.csv`;
  await generate(stack, inputUri);
  const size = (await stack.store.size(inputUri)) ?? 0;
  console.log(`input: ${rows.toLocaleString()} rows, ${(size / 1e6).toFixed(1)} MB`);
  const runs = [];
  for (const count of workerCounts) {
    runs.push(await runJob(stack, inputUri, count));
    console.log(JSON.stringify(runs.at(-1)));
  }
  const chunkRows = Number(values['chunk-rows'] ?? loadConfig(stack.env).inference.chunkRows);
  if (killAt !== undefined) {
    const count = Math.max(2, ...workerCounts);
    const run = await runJob(stack, inputUri, count, killAt);
    const limit = rows + 2 * chunkRows;
    console.log(
      JSON.stringify({
        ...run,
        kill: { rowsPredicted: run.rowsPredicted, limit, within: run.rowsPredicted <= limit },
      }),
    );
  }
  // Measured after the jobs, so its 222 MB through this process do not weigh on the store during them.
  // The I/O floor, two ways: the embedded S3 copying the file on its own disk (UploadPartCopy, as assembling
  // a chunked job's predictions does), and the file read and written again through this process over HTTP
  // (as every chunk reads its input and writes its part).
  const rate = async (copy: () => Promise<unknown>) => {
    const started = performance.now();
    await copy();
    const seconds = (performance.now() - started) / 1000;
    return {
      seconds: Number(seconds.toFixed(2)),
      mbPerSecond: Math.round(size / 1e6 / seconds),
      rowsPerSecond: Math.round(rows / seconds),
    };
  };
  const floor = {
    serverCopy: await rate(() =>
      stack.store.concatenate(`s3://${stack.buckets.inference}/bench/copy.csv`, [{ uri: inputUri }]),
    ),
    streamedCopy: await rate(async () =>
      stack.store.upload(
        `s3://${stack.buckets.inference}/bench/streamed.csv`,
        await stack.store.download(inputUri),
      ),
    ),
  };
  console.log(JSON.stringify({ embeddedS3Copy: floor }));
  const base = runs.find((run) => run.workers === 1);
  console.log(
    JSON.stringify(
      {
        rows,
        inputMb: Number((size / 1e6).toFixed(1)),
        embeddedS3Copy: floor,
        runs: runs.map((run) => ({
          ...run,
          speedup: base ? Number((run.rowsPerSecond / base.rowsPerSecond).toFixed(2)) : null,
        })),
        targets: { speedupAt2Workers: 1.5, workerPeakRssMb: 400 },
      },
      null,
      2,
    ),
  );
} finally {
  await stack.close();
}
