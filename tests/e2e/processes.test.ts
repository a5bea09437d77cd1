import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, createTestS3, type TestDatabase, type TestS3 } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, freePort, getJson, pollUntil, startApp } from '../support/app-process';
import { logLines } from '../support/log-lines';
import { s3Env } from '../support/s3-env';
import { seedServingModel } from '../support/seed-model';

// The real gateway and worker processes against real MySQL, Redis and the S3 server.
describe('gateway and worker processes', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let env: Record<string, string>;
  const started: AppProcess[] = [];

  const launch = (name: 'gateway' | 'worker', extra: Record<string, string> = {}) => {
    const app = startApp(name, { ...env, ...extra });
    started.push(app);
    return app;
  };

  beforeAll(async () => {
    database = await createTestDatabase('processes');
    s3 = await createTestS3();
    env = {
      DATABASE_URL: database.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      ...s3Env(s3),
      LOG_LEVEL: 'info',
    };
  });

  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop('SIGKILL')));
    await database?.drop();
  });

  it.each(['gateway', 'worker'] as const)('%s reports MySQL, Redis and S3 ready on /readyz', async (name) => {
    const port = await freePort();
    launch(name, { PORT: String(port), WORKER_PORT: String(port) });
    const ready = await pollUntil(
      () => getJson(`http://127.0.0.1:${port}/readyz`),
      (r) => r.status === 200,
    );
    expect(ready.body).toMatchObject({
      status: 'ok',
      checks: { mysql: { ok: true }, redis: { ok: true }, s3: { ok: true } },
    });
    expect((await getJson(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('serves on CPU with one warning when CUDA is asked for where there is none, and prints nothing else', async () => {
    await seedServingModel(database.db, s3.store, s3.buckets.models);
    const worker = launch('worker', { WORKER_PORT: String(await freePort()), INFERENCE_DEVICE: 'cuda' });
    const warning = await pollUntil(
      async () => logLines(worker.output()).find((line) => line.msg === 'CUDA unavailable: running on CPU'),
      (line) => line !== undefined,
    );
    expect(warning?.reason).toMatch(/no CUDA provider/);
    const lines = logLines(worker.output());
    expect(lines.filter((line) => line.msg === 'CUDA unavailable: running on CPU')).toHaveLength(1);
    expect(lines.find((line) => line.msg === 'serving model version')).toMatchObject({ device: 'cpu' });
    // Neither onnxruntime's native error about libraries this CPU build lacks, nor the AWS SDK's notice
    // about Node 22: a run that works prints only its own log lines, so a real error stands out.
    expect(
      worker
        .output()
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('{')),
    ).toEqual([]);
  });

  it('refuses to start in production with neither ADMIN_API_KEY nor a key in MySQL', async () => {
    const gateway = launch('gateway', {
      PORT: String(await freePort()),
      NODE_ENV: 'production',
      ADMIN_API_KEY: '',
    });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain('NODE_ENV=production and no API key exists');
  });

  it('keeps a development admin key in an owner-only file across restarts, and never prints it', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'shelfwise-key-')), 'dev-admin-key');
    const start = async () => {
      const port = await freePort();
      const gateway = launch('gateway', {
        PORT: String(port),
        NODE_ENV: 'development',
        ADMIN_API_KEY: '',
        DEV_ADMIN_KEY_FILE: file,
      });
      await pollUntil(
        () => getJson(`http://127.0.0.1:${port}/readyz`),
        (r) => r.status === 200,
      );
      const models = (key: string) =>
        fetch(`http://127.0.0.1:${port}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
      return { gateway, models };
    };
    const first = await start();
    const key = (await readFile(file, 'utf8')).trim();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await first.models(key)).status).toBe(200);
    // The test key is not configured on this gateway: only the development one works.
    expect((await first.models('sw_other')).status).toBe(401);
    expect(first.gateway.output()).toContain(file);
    expect(first.gateway.output()).not.toContain(key);
    expect(await first.gateway.stop('SIGTERM')).toBe(0);

    const second = await start();
    expect((await second.models(key)).status).toBe(200);
    expect((await readFile(file, 'utf8')).trim()).toBe(key);
  });

  it("refuses to start with the Secret template's placeholder as ADMIN_API_KEY", async () => {
    const gateway = launch('gateway', {
      PORT: String(await freePort()),
      ADMIN_API_KEY: 'REPLACE_ME_WITH_A_RANDOM_KEY',
    });
    expect(await gateway.exited).toBe(1);
    expect(gateway.output()).toContain('ADMIN_API_KEY: still holds the template placeholder REPLACE_ME');
  });

  it('answers 503 naming MySQL when MySQL cannot be reached, and stays alive', async () => {
    const port = await freePort();
    const closed = await freePort();
    launch('gateway', { PORT: String(port), DATABASE_URL: `mysql://root@127.0.0.1:${closed}/shelfwise` });
    // Right after start Redis may not have connected yet; wait for the steady state in which only MySQL is down.
    type Readiness = { checks?: Record<string, { ok: boolean }> };
    const answer = await pollUntil(
      () => getJson(`http://127.0.0.1:${port}/readyz`),
      (r) => r.status === 503 && (r.body as Readiness).checks?.redis?.ok === true,
    );
    expect(answer.body).toMatchObject({
      status: 'unavailable',
      checks: { mysql: { ok: false }, redis: { ok: true }, s3: { ok: true } },
    });
    expect((await getJson(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('refuses to start on a bad setting, naming every bad variable', async () => {
    const app = launch('gateway', { REDIS_URL: 'nonsense', PORT: 'eighty' });
    expect(await app.exited).toBe(1);
    expect(app.output()).toContain('REDIS_URL');
    expect(app.output()).toContain('PORT');
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const app = launch('gateway', { PORT: String(port) });
    await pollUntil(
      () => getJson(`http://127.0.0.1:${port}/healthz`),
      (r) => r.status === 200,
    );
    expect(await app.stop('SIGTERM')).toBe(0);
    expect(app.output()).toContain('SIGTERM: shutting down');
  });
});
