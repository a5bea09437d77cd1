import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createObjectStore } from '@shelfwise/storage';
import { createTestDatabase, freePort, type TestDatabase, uniquePrefix } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollUntil } from '../support/app-process';
import { trainingInput } from '../support/generated-csv';
import { jobClient } from '../support/job-client';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// `pnpm start` as a person runs it in a terminal: its own process group, Ctrl-C sent to the whole group.
describe('pnpm start', () => {
  let database: TestDatabase;
  let dir: string;
  let start: ChildProcess;
  let output = '';
  let ports: { api: number; worker: number; s3: number };

  beforeAll(async () => {
    // Not migrated: `pnpm start` migrates (and creates) the database first.
    database = await createTestDatabase('local_start', { migrate: false });
    dir = await mkdtemp(join(tmpdir(), 'shelfwise-start-'));
    ports = { api: await freePort(), worker: await freePort(), s3: await freePort() };
    start = spawn('pnpm', ['start'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.url,
        PORT: String(ports.api),
        WORKER_PORT: String(ports.worker),
        S3_EMBEDDED_PORT: String(ports.s3),
        S3_DATA_DIR: join(dir, 's3'),
        DEV_ADMIN_KEY_FILE: join(dir, 'dev-admin-key'),
        QUEUE_PREFIX: uniquePrefix('local_start'),
        SHUTDOWN_GRACE_MS: '90000',
      },
    });
    for (const stream of [start.stdout, start.stderr]) stream?.on('data', (chunk) => (output += chunk));
  });

  afterAll(async () => {
    if (start && start.exitCode === null && start.signalCode === null)
      process.kill(-(start.pid ?? 0), 'SIGKILL');
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints every address and the development key together once up; Ctrl-C stops it gracefully, once, exit 0', async () => {
    await pollUntil(
      async () => output,
      (text) => text.includes('Ctrl-C stops everything.'),
      { timeoutMs: 120_000, intervalMs: 200 },
    );
    const banner = output.slice(output.indexOf('shelfwise is up'));
    const api = `http://127.0.0.1:${ports.api}`;
    for (const url of [`${api}/v1`, `${api}/readyz`, `${api}/\n`, `${api}/docs`, `${api}/admin/queues`]) {
      expect(banner).toContain(url);
    }
    const key = (await readFile(join(dir, 'dev-admin-key'), 'utf8')).trim();
    expect((await stat(join(dir, 'dev-admin-key'))).mode & 0o777).toBe(0o600);
    expect(banner).toContain(`admin key    ${key}`);
    expect(output.split(key).length - 1, 'the key is printed by the banner only').toBe(2);

    // A training job that runs when Ctrl-C comes, and takes some seconds more.
    const store = createObjectStore(
      {
        endpoint: `http://127.0.0.1:${ports.s3}`,
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
      },
      ['dataset'],
    );
    await store.upload('s3://dataset/train.csv', trainingInput(20_000));
    const client = jobClient(api, key);
    const id = await client.submit('/v1/train/csv', {
      train_file_s3: 's3://dataset/train.csv',
      epoch_num: 8,
      best_model_metric: 'eval_f1',
    });
    const running = await client.until(id, (job) => job.status === 'RUNNING' && job.progress > 0);
    expect(running.progress).toBeLessThan(1);

    process.kill(-(start.pid ?? 0), 'SIGINT');
    const [code] = await once(start, 'exit');
    expect(code, output.slice(-3_000)).toBe(0);
    expect(output).toContain('SIGTERM: shutting down');
    expect(output).not.toContain('again: exiting now');
    expect(output).not.toContain('ELIFECYCLE');
    // The worker finished the job before it went away: nothing is left RUNNING.
    const row = await database.db.job.findUnique({ where: { id } });
    expect(row?.status).toBe('SUCCEEDED');
  });
});
