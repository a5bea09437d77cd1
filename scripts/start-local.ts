// `pnpm start`: migrations, then the whole local system in the foreground (embedded S3 unless S3_ENDPOINT
// is set, gateway, worker) against the local MySQL and Redis. Ctrl-C stops all of it, gracefully, once.
// It is pnpm's only command (no `pnpm db:migrate && …`): a shell running a list dies of the terminal's
// SIGINT once its command ends, and pnpm then reports the clean shutdown as a failure.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfigOrExit } from '@shelfwise/config';
import { type EmbeddedS3, startEmbeddedS3 } from '@shelfwise/embedded-s3';
import { createObjectStore } from '@shelfwise/storage';

const config = loadConfigOrExit();
const root = new URL('..', import.meta.url).pathname;
execFileSync(process.execPath, ['--import', 'tsx', 'apps/gateway/src/migrate.ts'], {
  cwd: root,
  stdio: 'inherit',
});
const api = `http://127.0.0.1:${config.gateway.port}`;

let s3: EmbeddedS3 | undefined;
if (config.s3.embedded) {
  s3 = await startEmbeddedS3({ port: config.s3.embeddedPort, dataDir: config.s3.dataDir });
  console.log(`embedded S3 server on ${s3.endpoint}, data in ${config.s3.dataDir}`);
}
await createObjectStore(config.s3, Object.values(config.s3.buckets)).ensureBuckets();

// Each app runs in a process group of its own: Ctrl-C reaches only this launcher, which passes one SIGTERM
// on. In the terminal's group the apps would get the SIGINT as well, take the SIGTERM that follows as a
// second signal and exit at once, leaving a running job RUNNING.
const children = new Map<string, ChildProcess>();
const failed: string[] = [];
for (const app of ['gateway', 'worker']) {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: root,
    stdio: 'inherit',
    detached: true,
    // MALLOC_ARENA_MAX as the images set it (infra/docker/app.Dockerfile says why).
    env: { MALLOC_ARENA_MAX: '2', ...process.env },
  });
  children.set(app, child);
  child.on('exit', (code, signal) => {
    children.delete(app);
    if (code !== 0) failed.push(`${app} exited (${signal ?? code})`);
    if (!stopping) {
      console.error(`${app} exited (${signal ?? code}); stopping the rest`);
      stop();
    }
    if (children.size === 0) void finish();
  });
}

let stopping = false;
/** SIGTERM to every app that runs; a second Ctrl-C sends another, which makes them exit at once. */
function stop(): void {
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
}
// One Ctrl-C can reach this launcher twice: the terminal's SIGINT to the group, and the signal pnpm passes
// on to its script. Signals within a second of the first are that same Ctrl-C, not a second one.
const SAME_CTRL_C_MS = 1_000;
let firstSignalAt: number | undefined;
function onSignal(): void {
  const now = Date.now();
  if (firstSignalAt !== undefined && now - firstSignalAt < SAME_CTRL_C_MS) return;
  firstSignalAt ??= now;
  stop();
}
async function finish(): Promise<void> {
  await s3?.close();
  for (const reason of failed) console.error(reason);
  // 0 after a clean shutdown: every app stopped by its own graceful path.
  process.exit(failed.length === 0 ? 0 : 1);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);

await waitReady(`${api}/readyz`);
await waitReady(`http://127.0.0.1:${config.worker.port}/readyz`);
if (!stopping) console.log(await banner());

/** Every address a person needs, and the key to use them, once everything answers. */
async function banner(): Promise<string> {
  return `
shelfwise is up
  API          ${api}/v1
  readiness    ${api}/readyz
  console      ${api}/
  API docs     ${api}/docs
  queues       ${api}/admin/queues   (any user name, the admin key as password)
  worker       http://127.0.0.1:${config.worker.port}/readyz
  S3           ${config.s3.endpoint}  (buckets: ${Object.values(config.s3.buckets).join(', ')})
  admin key    ${await adminKeyLine()}
Ctrl-C stops everything.
`;
}

/** The key this gateway accepts as admin, checked against it: the banner never shows one that fails. */
async function adminKeyLine(): Promise<string> {
  if (config.gateway.adminApiKey) return 'ADMIN_API_KEY from the environment';
  // The gateway runs in the repository root: the file's path is relative to it.
  const file = resolve(root, config.gateway.devAdminKeyFile);
  const key = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  const accepted =
    key !== '' &&
    (await fetch(`${api}/v1/models`, { headers: { authorization: `Bearer ${key}` } }).then(
      (response) => response.ok,
      () => false,
    ));
  if (!accepted)
    return 'MySQL holds API keys, so there is no development key: `pnpm apikey create --role admin`';
  return `${key}\n               (development key, kept in ${file}; for the CLI: export SHELFWISE_API_KEY=${key})`;
}

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
