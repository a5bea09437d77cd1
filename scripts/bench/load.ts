// Load on the submit path: N POST /v1/predict/csv from C concurrent clients (autocannon) against the real
// gateway, then real workers drain them. Reports submissions per second and latency beside the rate of
// plain BullMQ queue.add calls from one process (the floor: our overhead is the ratio), and checks that
// every accepted job was recorded, queued and finished exactly once. Not a test: it prints figures.
// Gateway and floor are measured after LOAD_WARMUP submissions each (a just-started process's JIT and pools;
// the gateway's warm-up figures are printed too).
//   pnpm bench:load            LOAD_SUBMISSIONS=10000 LOAD_WARMUP=1000 LOAD_CONNECTIONS=50 by default

import { JobRepository } from '@shelfwise/db';
import { createRedis } from '@shelfwise/infrastructure';
import { JobProducer } from '@shelfwise/queue';
import { createTestDatabase } from '@shelfwise/test-kit';
import { cpuSeconds, machineCpuSeconds, startBenchStack, until } from './bench-stack';
import { accountJobs } from './job-accounting';
import { queueAddRate } from './queue-add-rate';
import { submissionFloor } from './submission-floor';
import { submitUnderLoad } from './submission-load';

const submissions = Number(process.env.LOAD_SUBMISSIONS ?? 10_000);
const warmup = Number(process.env.LOAD_WARMUP ?? 1_000);
const connections = Number(process.env.LOAD_CONNECTIONS ?? 50);
const workers = Number(process.env.LOAD_WORKERS ?? 2);
const port = 18_000 + Math.floor(Math.random() * 1_000);

const stack = await startBenchStack();
const connection = createRedis('redis://127.0.0.1:6379', 'worker');
const producer = (prefix: string) => new JobProducer({ connection, prefix, attempts: 3, backoffMs: 2_000 });
const gatewayQueue = producer(stack.env.QUEUE_PREFIX as string);
const baselineQueue = producer(`${stack.env.QUEUE_PREFIX}-baseline`);
// The floor's rows go to a database of their own: deleted from the gateway's, they would still be purged (and
// skipped by its backlog counts) while the gateway is measured.
const floorDatabase = await createTestDatabase('bench_floor');
try {
  const inputUri = `s3://${stack.buckets.dataset}/tiny.csv`;
  await stack.store.upload(inputUri, 'product_description\ngreen tea\nwhole milk 1l\nsoap bar\n');
  const gatewayProcess = stack.start('gateway', { PORT: String(port) });
  const gateway = `http://127.0.0.1:${port}`;
  await until(async () => (await fetch(`${gateway}/readyz`)).ok, 60_000);

  // The floor, in the same run: the same job shape added straight to BullMQ by one process.
  const addsPerSecond = await queueAddRate(baselineQueue.queue('inference'), submissions, connections);
  await baselineQueue.queue('inference').obliterate({ force: true });
  // The real floor: the S3 HEAD, MySQL insert, backlog count and queue.add of a submission, without HTTP.
  const floor = (count: number) =>
    submissionFloor(
      { store: stack.store, jobs: new JobRepository(floorDatabase.db), producer: baselineQueue },
      inputUri,
      count,
      connections,
    );
  await floor(warmup);
  const floorCpu = cpuMeter();
  const floorPerSecond = await floor(submissions);
  const floorCpuMs = await floorCpu(submissions);
  await baselineQueue.queue('inference').obliterate({ force: true });

  // No worker yet: the gateway has the machine to itself while it is measured.
  const loadCpu = cpuMeter(gatewayProcess.pid);
  const load = await submitUnderLoad({
    gateway,
    inputUri,
    submissions,
    warmup,
    connections,
    apiKey: stack.auth.authorization.slice('Bearer '.length),
  });
  const loadCpuMs = await loadCpu(submissions + warmup);
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

  const total = submissions + warmup;
  const ok =
    load.jobIds.length === total &&
    queued.distinctIds === total &&
    queued.rows === total &&
    queued.queued === total &&
    queued.lostRows + queued.extraRows + queued.lostInQueue + queued.extraInQueue === 0 &&
    outcomes.length === 1 &&
    outcomes[0]?.status === 'SUCCEEDED' &&
    outcomes[0]?.attempts === 1;
  const r = (n: number) => Math.round(n * 10) / 10;
  const r2 = (n: number) => Math.round(n * 100) / 100;
  console.log(`
| figure | value |
|---|---|
| submissions (+ warm-up), clients | ${submissions} (+ ${warmup}), ${connections} |
| answers by status | ${JSON.stringify(load.statuses)} |
| gateway: accepted submissions/s | ${r(load.perSecond)} |
| gateway: latency p50 / p99 / max (ms) | ${load.latencyMs.p50} / ${load.latencyMs.p99} / ${load.latencyMs.max} |
| gateway just started (the warm-up): submissions/s, p50 / p99 / max (ms) | ${load.warmup ? `${r(load.warmup.perSecond)}, ${load.warmup.latencyMs.p50} / ${load.warmup.latencyMs.p99} / ${load.warmup.latencyMs.max}` : 'none'} |
| plain BullMQ queue.add/s, one process, ${connections} in flight | ${r(addsPerSecond)} |
| overhead: queue.add rate / submission rate | ${r(addsPerSecond / load.perSecond)}x |
| real floor: S3 HEAD + MySQL insert + backlog count + queue.add/s, no HTTP, ${connections} in flight | ${r(floorPerSecond)} |
| CPU ms per submission (warm-up included): gateway / this process (embedded S3) / load generator / rest of the machine (MySQL, Redis) | ${loadCpuMs.gateway} / ${loadCpuMs.self} / ${r2(load.cpuMsPerRequest)} / ${r2(loadCpuMs.rest - load.cpuMsPerRequest)} |
| CPU ms per floor submission: this process (loop + embedded S3) / rest of the machine | ${floorCpuMs.self} / ${floorCpuMs.rest} |
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
  await floorDatabase.drop();
  connection.disconnect();
  await stack.close();
}

/** Starts counting CPU time: of the gateway (when its pid is given), of this process and of the whole machine. */
function cpuMeter(gatewayPid?: number) {
  const gatewaySeconds = () => (gatewayPid === undefined ? Promise.resolve(0) : cpuSeconds(gatewayPid));
  const selfSeconds = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const started = Promise.all([gatewaySeconds(), selfSeconds(), machineCpuSeconds()]);
  /** CPU milliseconds per operation since the start, over `operations`. */
  return async (operations: number) => {
    const [g0, s0, m0] = await started;
    const [g1, s1, m1] = await Promise.all([gatewaySeconds(), selfSeconds(), machineCpuSeconds()]);
    const perOperation = (seconds: number) => Math.round((seconds * 1_000 * 100) / operations) / 100;
    return {
      gateway: perOperation(g1 - g0),
      self: perOperation(s1 - s0),
      rest: perOperation(m1 - m0 - (g1 - g0) - (s1 - s0)),
    };
  };
}
