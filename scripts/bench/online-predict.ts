// `pnpm bench:online [requests]`: sequential POST /v1/predict with one text through the real gateway,
// online queue and worker; prints p50 and p99 latency.
import { freePort } from '@shelfwise/test-kit';
import { startBenchStack, until } from './bench-stack';

const requests = Number(process.argv[2] ?? 2_000);
const stack = await startBenchStack();
try {
  const port = await freePort();
  stack.start('gateway', { PORT: String(port) });
  const workerPort = await freePort();
  stack.start('worker', { WORKER_QUEUES: 'online', WORKER_PORT: String(workerPort) });
  const api = `http://127.0.0.1:${port}`;
  await until(
    async () =>
      (await fetch(`${api}/readyz`)).ok && (await fetch(`http://127.0.0.1:${workerPort}/readyz`)).ok,
    60_000,
  );
  const predict = async (text: string) => {
    const response = await fetch(`${api}/v1/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.auth },
      body: JSON.stringify({ texts: [text] }),
    });
    if (response.status !== 200) throw new Error(`${response.status}: ${await response.text()}`);
    return response.json();
  };
  // The worker loads the model on start; the first answers also warm up JIT and connections.
  await until(async () => Boolean(await predict('warm up')), 60_000);
  for (let i = 0; i < 100; i++) await predict(stack.examples[i]?.text ?? 'tea');

  const latencies: number[] = [];
  for (let i = 0; i < requests; i++) {
    const text = stack.examples[(i * 31) % stack.examples.length]?.text ?? 'tea';
    const started = performance.now();
    await predict(text);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    Number((latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(2));
  console.log(
    JSON.stringify(
      { requests, p50Ms: at(0.5), p90Ms: at(0.9), p99Ms: at(0.99), maxMs: at(1), target: { p50Ms: 5 } },
      null,
      2,
    ),
  );
} finally {
  await stack.close();
}
