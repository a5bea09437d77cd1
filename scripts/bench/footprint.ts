// `pnpm bench:footprint`: the built apps (`pnpm build`: node on apps/*/dist/main.js) beside the same apps
// run from TypeScript through tsx (`pnpm start`): time from spawn to the first 200 on /readyz, resident
// memory once ready (the worker: once it serves the model), and the gateway's after 1,000 submissions
// (POST /v1/predict/csv from autocannon). One process at a time, on the same services.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { METRIC } from '@shelfwise/metrics';
import { freePort } from '@shelfwise/test-kit';
import { rssMb, startBenchStack, until } from './bench-stack';
import { submitUnderLoad } from './submission-load';

const REQUESTS = 1_000;
const APPS = ['gateway', 'worker'] as const;

for (const app of APPS) {
  if (!existsSync(`apps/${app}/dist/main.js`)) {
    process.stderr.write(`apps/${app}/dist/main.js is missing: run \`pnpm build\` first\n`);
    process.exit(2);
  }
}

interface Row {
  app: string;
  run: 'node dist' | 'tsx src';
  readyMs: number;
  rssReadyMb: number;
  rssAfterRequestsMb: number | null;
}

const stack = await startBenchStack();
const rows: Row[] = [];
try {
  const inputUri = `s3://${stack.buckets.dataset}/tiny.csv`;
  await stack.store.upload(inputUri, 'product_description\ngreen tea\n');
  for (const app of APPS) {
    for (const built of [true, false]) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const started = performance.now();
      const child = stack.start(app, { PORT: String(port), WORKER_PORT: String(port) }, { built });
      await until(async () => (await fetch(`${url}/readyz`)).ok, 60_000, 20);
      const readyMs = Math.round(performance.now() - started);
      if (app === 'worker') {
        // Ready is MySQL, Redis and S3; the worker's memory is the model's too, loaded right after.
        await until(
          async () =>
            !(await (await fetch(`${url}/metrics`)).text()).includes(`${METRIC.modelServingVersion} 0`),
          60_000,
        );
      }
      const rssReadyMb = await rssOf(child);
      let rssAfterRequestsMb: number | null = null;
      if (app === 'gateway') {
        const load = await submitUnderLoad({
          gateway: url,
          inputUri,
          submissions: REQUESTS,
          connections: 10,
          apiKey: stack.env.ADMIN_API_KEY ?? '',
        });
        if (load.jobIds.length !== REQUESTS) throw new Error(`answers: ${JSON.stringify(load.statuses)}`);
        rssAfterRequestsMb = await rssOf(child);
      }
      child.kill('SIGTERM');
      await once(child, 'exit');
      rows.push({ app, run: built ? 'node dist' : 'tsx src', readyMs, rssReadyMb, rssAfterRequestsMb });
    }
  }
} finally {
  await stack.close();
}

const cores = spawnSync('nproc').stdout?.toString().trim();
console.log(`\nfootprint (${cores} cores; figures vary with what else the machine runs)`);
console.log('app      run        ready ms  RSS ready MB  RSS after 1,000 requests MB');
for (const row of rows) {
  console.log(
    `${row.app.padEnd(8)} ${row.run.padEnd(10)} ${String(row.readyMs).padStart(8)}  ` +
      `${row.rssReadyMb.toFixed(0).padStart(12)}  ${row.rssAfterRequestsMb?.toFixed(0).padStart(10) ?? ''}`,
  );
}
console.log(JSON.stringify({ rows, goal: { gatewayRssAfterRequestsMb: 100 } }));

async function rssOf(child: ChildProcess): Promise<number> {
  return Math.round((await rssMb(child.pid ?? 0)) * 10) / 10;
}
