// Load on the submit path: N POST /v1/predict/csv from C concurrent clients (autocannon) against the real
// gateway, then real workers drain them. Reports submissions per second and latency beside the rate of
// plain BullMQ queue.add calls from one process (the floor: our overhead is the ratio), and checks that
// every accepted job was recorded, queued and finished exactly once. Not a test: it prints figures.
//   pnpm bench:load            LOAD_SUBMISSIONS=10000 LOAD_CONNECTIONS=50 by default

import { JobRepository } from '@shelfwise/db';
import { createRedis } from '@shelfwise/infrastructure';
import { JobProducer } from '@shelfwise/queue';
import { startBenchStack, until } from './bench-stack';
import { accountJobs } from './job-accounting';
import { queueAddRate } from './queue-add-rate';
import { submissionFloor } from './submission-floor';
import { submitUnderLoad } from './submission-load';

const submissions = Number(process.env.LOAD_SUBMISSIONS ?? 10_000);
const connections = Number(process.env.LOAD_CONNECTIONS ?? 50);
const workers = Number(process.env.LOAD_WORKERS ?? 2);
const port = 18_000 + Math.floor(Math.random() * 1_000);

const stack = await startBenchStack();
const connection = createRedis('redis://127.0.0.1:6379', 'worker');
const producer = (prefix: string) => new JobProducer({ connection, prefix, attempts: 3, backoffMs: 2_000 });
const gatewayQueue = producer(stack.env.QUEUE_PREFIX as string);
const baselineQueue = producer(`${stack.env.QUEUE_PREFIX}-baseline`);
try {
  const inputUri = `s3://${stack.buckets.dataset}/tiny.csv`;
  await stack.store.upload(inputUri, 'product_description\ngreen tea\nwhole milk 1l\nsoap bar\n');
  stack.start('gateway', { PORT: String(port) });
  const gateway = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${gateway}/readyz`)).ok, 60_000);

  // The floor, in the same run: the same job shape added straight to BullMQ by one process.
  const addsPerSecond = await queueAddRate(baselineQueue.queue('inference'), submissions, connections);
  await baselineQueue.queue('inference').obliterate({ force: true });
  // The real floor: the S3 HEAD, MySQL insert, backlog count and queue.add of a submission, without HTTP.
  const jobs = new JobRepository(stack.db);
  const floorPerSecond = await submissionFloor(
    { store: stack.store, jobs, producer: baselineQueue },
    inputUri,
    submissions,
    connections,
  );
  await baselineQueue.queue('inference').obliterate({ force: true });
  // Its rows would count as extra below: the gateway's submissions start on an empty table.
  await stack.db.job.deleteMany({});

  // No worker yet: the gateway has the machine to itself while it is measured.
  const load = await submitUnderLoad({
    gateway,
    inputUri,
    submissions,
    connections,
    apiKey: stack.auth.authorization.slice('Bearer '.length),
  });
  const queue = gatewayQueue.queue('inference');
  const queued = await accountJobs(stack.db, queue, load.jobIds, 'waiting');

  const drainStarted = performance.now();
  for (let i = 0; i < workers; i++) {
    stack.start('worker', { WORKER_PORT: String(port + 1 + i), WORKER_CONCURRENCY_INFERENCE: '16' });
  }
  await until(
    async () => (await stack.db.job.count({ where: { status: { in: ['QUEUED', 'RUNNING'] } } })) === 0,
    30 * 60_000,
    500,
  );
  const drainS = (performance.now() - drainStarted) / 1_000;
  const outcomes = await stack.db.job.groupBy({ by: ['status', 'attempts'], _count: true });

  const ok =
    load.jobIds.length === submissions &&
    queued.distinctIds === submissions &&
    queued.rows === submissions &&
    queued.queued === submissions &&
    queued.lostRows + queued.extraRows + queued.lostInQueue + queued.extraInQueue === 0 &&
    outcomes.length === 1 &&
    outcomes[0]?.status === 'SUCCEEDED' &&
    outcomes[0]?.attempts === 1;
  const r = (n: number) => Math.round(n * 10) / 10;
  console.log(`
| figure | value |
|---|---|
| submissions, clients | ${submissions}, ${connections} |
| answers by status | ${JSON.stringify(load.statuses)} |
| gateway: accepted submissions/s | ${r(load.perSecond)} |
| gateway: latency p50 / p99 / max (ms) | ${load.latencyMs.p50} / ${load.latencyMs.p99} / ${load.latencyMs.max} |
| plain BullMQ queue.add/s, one process, ${connections} in flight | ${r(addsPerSecond)} |
| overhead: queue.add rate / submission rate | ${r(addsPerSecond / load.perSecond)}x |
| real floor: S3 HEAD + MySQL insert + backlog count + queue.add/s, no HTTP, ${connections} in flight | ${r(floorPerSecond)} |
| gateway / real floor | ${Math.round((100 * load.perSecond) / floorPerSecond)}% (goal >= 50%, p99 < 100 ms) |
| rows / waiting BullMQ jobs / distinct ids | ${queued.rows} / ${queued.queued} / ${queued.distinctIds} |
| lost or extra (rows, queue) | ${queued.lostRows + queued.extraRows}, ${queued.lostInQueue + queued.extraInQueue} |
| drain by ${workers} workers x 16 | ${r(drainS)} s (${r(submissions / drainS)} jobs/s) |
| outcomes (status, attempts: count) | ${outcomes.map((o) => `${o.status}, ${o.attempts}: ${o._count}`).join('; ')} |
| verdict | ${ok ? 'every accepted job recorded, queued and finished once' : 'LOSS OR DUPLICATION: see above'} |
`);
  process.exitCode = ok ? 0 : 1;
} finally {
  await gatewayQueue.queue('inference').obliterate({ force: true });
  await gatewayQueue.close();
  await baselineQueue.close();
  connection.disconnect();
  await stack.close();
}
