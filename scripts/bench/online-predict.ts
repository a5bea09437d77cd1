// `pnpm bench:online [--clients 64] [--duration 10]`: POST /v1/predict with one text through the real
// gateway, online queue and worker, under keep-alive load from autocannon in its own process, at the given
// number of clients and at 1 client; beside it the same load against a bare node:http server in its own
// process answering a fixed JSON body (the limit of this machine and load generator). Prints requests/s,
// p50 and p99 of each. Not a test: it prints figures.
import { parseArgs } from 'node:util';
import { METRIC } from '@shelfwise/metrics';
import { freePort } from '@shelfwise/test-kit';
import { parsePrometheusText, total } from '../../tests/support/prometheus-text';
import { startBenchStack, until } from './bench-stack';
import { autocannonLoad, type LoadFigures, startBareServer } from './load-generator';

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '64' }, duration: { type: 'string', default: '10' } },
});
const clients = Number(values.clients);
const durationS = Number(values.duration);

const stack = await startBenchStack();
try {
  const port = await freePort();
  stack.start('gateway', { PORT: String(port) });
  const unbatchedPort = await freePort();
  stack.start('gateway', { PORT: String(unbatchedPort), PREDICT_BATCH_MAX_TEXTS: '1' });
  const unbatched = `http://127.0.0.1:${unbatchedPort}`;
  const workerPort = await freePort();
  stack.start('worker', { WORKER_QUEUES: 'online', WORKER_PORT: String(workerPort) });
  const api = `http://127.0.0.1:${port}`;
  await until(
    async () =>
      (await fetch(`${api}/readyz`)).ok &&
      (await fetch(`${unbatched}/readyz`)).ok &&
      (await fetch(`http://127.0.0.1:${workerPort}/readyz`)).ok,
    60_000,
  );
  const body = JSON.stringify({ texts: [stack.examples[7]?.text ?? 'oolong tea 100g'] });
  const predict = () =>
    fetch(`${api}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.auth },
      body,
    });
  // The worker loads the model on start.
  await until(async () => (await predict()).ok, 60_000);
  const answer = await (await predict()).text();
  const bare = await startBareServer(await freePort(), answer);
  const load = (url: string, connections: number) =>
    autocannonLoad({
      url,
      connections,
      durationS,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.auth },
      body,
    });
  // Warm-up: JIT, connections, the worker's first batches.
  await load(`${api}/v1/predict`, clients);
  // Jobs the worker ran and texts it predicted: their ratio is the mean batch.
  const workerCounts = async () => {
    const samples = parsePrometheusText(await (await fetch(`http://127.0.0.1:${workerPort}/metrics`)).text());
    return {
      jobs: total(samples, METRIC.jobs, { type: 'online' }) ?? 0,
      texts: total(samples, METRIC.rowsPredicted) ?? 0,
    };
  };
  const rows: [string, LoadFigures, number][] = [];
  const measure = async (name: string, url: string, connections: number) => {
    const before = await workerCounts();
    const figures = await load(url, connections);
    const after = await workerCounts();
    const batch = (after.texts - before.texts) / Math.max(1, after.jobs - before.jobs);
    rows.push([name, figures, url === bare.url ? Number.NaN : batch]);
  };
  for (const connections of [clients, 1]) {
    await measure(`bare node:http, ${connections} clients`, bare.url, connections);
    await measure(`POST /v1/predict, ${connections} clients`, `${api}/v1/predict`, connections);
  }
  // The same gateway code with batching off (one text per job, as before micro-batching), same run.
  await measure(`POST /v1/predict unbatched, ${clients} clients`, `${unbatched}/v1/predict`, clients);
  bare.stop();
  console.log(`
Under load: a shared 2-core machine; autocannon in its own process, ${durationS} s per row.

| target | requests/s | p50 ms | p99 ms | non-2xx | errors | texts per online job |
|---|---|---|---|---|---|---|
${rows.map(([name, f, batch]) => `| ${name} | ${Math.round(f.requestsPerSecond)} | ${f.p50Ms} | ${f.p99Ms} | ${f.non2xx} | ${f.errors} | ${Number.isNaN(batch) ? '' : batch.toFixed(1)} |`).join('\n')}

Goals: ${clients} clients >= 4,000 requests/s with p99 < 50 ms; 1 client p50 < 3 ms.
`);
} finally {
  await stack.close();
}
