// `pnpm start`: the whole local system in the foreground (embedded S3 unless S3_ENDPOINT is set,
// gateway, worker) against the local MySQL and Redis. Ctrl-C stops all of it.
import { type ChildProcess, spawn } from 'node:child_process';
import { loadConfigOrExit } from '@shelfwise/config';
import { type EmbeddedS3, startEmbeddedS3 } from '@shelfwise/embedded-s3';
import { createS3Client, ObjectStore } from '@shelfwise/storage';

const config = loadConfigOrExit();
const root = new URL('..', import.meta.url).pathname;

let s3: EmbeddedS3 | undefined;
if (config.s3.embedded) {
  s3 = await startEmbeddedS3({ port: config.s3.embeddedPort, dataDir: config.s3.dataDir });
  console.log(`embedded S3 server on ${s3.endpoint}, data in ${config.s3.dataDir}`);
}
await new ObjectStore(createS3Client(config.s3), Object.values(config.s3.buckets)).ensureBuckets();

const children = new Map<string, ChildProcess>();
for (const app of ['gateway', 'worker']) {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: root,
    stdio: 'inherit',
    // MALLOC_ARENA_MAX as the images set it (infra/docker/app.Dockerfile says why).
    env: { MALLOC_ARENA_MAX: '2', ...process.env },
  });
  children.set(app, child);
  child.on('exit', (code, signal) => {
    children.delete(app);
    if (!stopping) {
      console.error(`${app} exited (${signal ?? code}); stopping the rest`);
      void stop(1);
    } else if (children.size === 0) void finish();
  });
}

let stopping = false;
let exitCode = 0;
async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  exitCode = code;
  for (const child of children.values()) child.kill('SIGTERM');
  if (children.size === 0) await finish();
}
async function finish(): Promise<void> {
  await s3?.close();
  process.exit(exitCode);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

await waitReady(`http://127.0.0.1:${config.gateway.port}/readyz`);
await waitReady(`http://127.0.0.1:${config.worker.port}/readyz`);
console.log(`
shelfwise is up
  API         http://127.0.0.1:${config.gateway.port}
  readiness   http://127.0.0.1:${config.gateway.port}/readyz
  worker      http://127.0.0.1:${config.worker.port}/readyz
  S3          ${config.s3.endpoint}  (buckets: ${Object.values(config.s3.buckets).join(', ')})
Ctrl-C stops everything.
`);

async function waitReady(url: string, deadlineMs = 60_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      if (response.ok) return;
      last = await response.text();
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!stopping) console.error(`not ready: ${url} — ${last}`);
}
