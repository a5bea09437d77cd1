// `pnpm bench:fairness [flood jobs] [rows per flood job]`: two clients on one inference worker. Client A
// submits a flood of large predict jobs; once the first runs, client B submits one small job. Prints how
// long B's job waited to start beside how long one of A's jobs runs (goal: the wait is shorter than one run:
// B goes next, not after the flood). Waits and runs are read from the job rows (created, started, finished).
// Not a test: it prints figures.
import { ApiKeyRepository, generateApiKey } from '@shelfwise/db';
import { freePort } from '@shelfwise/test-kit';
import { startBenchStack, until } from './bench-stack';

const floodJobs = Number(process.argv[2] ?? 16);
const floodRows = Number(process.argv[3] ?? 50_000);

const stack = await startBenchStack();
try {
  const port = await freePort();
  stack.start('gateway', { PORT: String(port) });
  const workerPort = await freePort();
  // One slot, as the issue measured it: the order the worker takes jobs in is the whole story.
  stack.start('worker', {
    WORKER_QUEUES: 'inference',
    WORKER_PORT: String(workerPort),
    WORKER_CONCURRENCY_INFERENCE: '1',
  });
  const api = `http://127.0.0.1:${port}`;
  await until(
    async () =>
      (await fetch(`${api}/readyz`)).ok && (await fetch(`http://127.0.0.1:${workerPort}/readyz`)).ok,
    60_000,
  );
  const keys = new ApiKeyRepository(stack.db);
  const clientKey = async (name: string) => {
    const made = generateApiKey();
    await keys.create({ id: made.id, name, role: 'CLIENT', hash: made.hash });
    return { authorization: `Bearer ${made.key}` };
  };
  const post = async (auth: object, path: string, body: string, type: string) => {
    const response = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': type, ...auth },
      body,
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as { uri?: string; job_id?: string };
  };
  /** Uploads the CSV as the client (its own object) and submits its prediction: the job id. */
  const predict = async (auth: object, name: string, texts: string[]) => {
    const csv = `product_description\n${texts.map((text) => `"${text.replaceAll('"', '""')}"`).join('\n')}\n`;
    const { uri } = await post(auth, `/v1/uploads?name=${name}`, csv, 'text/csv');
    const { job_id } = await post(
      auth,
      '/v1/predict/csv',
      JSON.stringify({ input_file_s3: uri }),
      'application/json',
    );
    return job_id as string;
  };
  const textAt = (i: number) => `${stack.examples[i % stack.examples.length]?.text ?? 'tea'} #${i}`;
  const flooder = await clientKey('flooder');
  const other = await clientKey('other');
  const large = Array.from({ length: floodRows }, (_, i) => textAt(i));
  const flood: string[] = [];
  for (let i = 0; i < floodJobs; i++) flood.push(await predict(flooder, `flood-${i}.csv`, large));
  const status = (id: string) => stack.db.job.findUnique({ where: { id } });
  await until(async () => (await status(flood[0] as string))?.status !== 'QUEUED', 120_000, 20);
  const small = await predict(other, 'small.csv', large.slice(0, 20));
  await until(async () => (await status(small))?.status === 'SUCCEEDED', 30 * 60_000, 50);
  // The flood job after the small one tells how long one of A's jobs runs once nothing else competes.
  const rows = await stack.db.job.findMany({ where: { id: { in: [...flood, small] } } });
  const seconds = (from: Date | null, to: Date | null) =>
    from && to ? Math.round((to.getTime() - from.getTime()) / 10) / 100 : Number.NaN;
  const smallRow = rows.find((row) => row.id === small);
  const floodRuns = rows
    .filter((row) => row.id !== small && row.finishedAt)
    .map((row) => seconds(row.startedAt, row.finishedAt))
    .sort((a, b) => a - b);
  const floodBefore = rows.filter(
    (row) => row.id !== small && row.startedAt && smallRow?.startedAt && row.startedAt < smallRow.startedAt,
  ).length;
  const wait = seconds(smallRow?.createdAt ?? null, smallRow?.startedAt ?? null);
  const run = floodRuns[Math.floor(floodRuns.length / 2)] ?? Number.NaN;
  console.log(`
| figure (under load: a shared 2-core machine) | value |
|---|---|
| flood: client A's jobs x rows | ${floodJobs} x ${floodRows} |
| client B's small job: wait to start | ${wait} s |
| client B's small job: run | ${seconds(smallRow?.startedAt ?? null, smallRow?.finishedAt ?? null)} s |
| one of A's jobs: run (median of those finished) | ${run} s |
| A's jobs started before B's (the worker began while the flood was still being uploaded) | ${floodBefore} of ${floodJobs} |
| goal: B's wait < one job's run | ${wait < run ? 'met' : 'NOT MET'} |
`);
  process.exitCode = wait < run ? 0 : 1;
} finally {
  await stack.close();
}
