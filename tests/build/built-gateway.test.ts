import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTestDatabase, createTestS3, type TestDatabase, type TestS3 } from '@shelfwise/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AppProcess,
  bearer,
  freePort,
  getJson,
  pollUntil,
  startApp,
  TEST_ADMIN_KEY,
} from '../support/app-process';
import { dependencyClosure } from '../support/dependency-closure';
import { s3Env } from '../support/s3-env';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GATEWAY = join(ROOT, 'apps/gateway');
const run = promisify(execFile);
/** Never in the gateway's image: the model runtime and the embedded S3 server are the worker's and dev's. */
const NOT_IN_GATEWAY = ['onnxruntime-node', 's3rver'];

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

// The gateway as its image runs it: `pnpm build`'s bundle under plain node by the image's command (with its
// node flags and malloc setting), and what ships beside it.
describe('the built gateway', () => {
  let database: TestDatabase;
  let s3: TestS3;
  let gateway: AppProcess | undefined;

  beforeAll(async () => {
    await run('pnpm', ['--filter', '@shelfwise/gateway', 'build'], { cwd: ROOT, timeout: 120_000 });
    database = await createTestDatabase('built_gateway', { migrate: false });
    s3 = await createTestS3();
  });

  afterAll(async () => {
    await gateway?.stop();
    await database?.drop();
  });

  it('migrates a new database with dist/migrate.js, the migration Job command', async () => {
    const { stdout } = await run(process.execPath, ['apps/gateway/dist/migrate.js'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATABASE_URL: database.url },
    });
    expect(stdout).toMatch(/^applied \d+ migration\(s\) to sw_test_built_gateway_/);
  });

  it('starts by its image command (node on dist/main.js), answers /readyz, serves the console, docs, bull-board', async () => {
    const port = await freePort();
    gateway = startApp(
      'gateway',
      {
        PORT: String(port),
        DATABASE_URL: database.url,
        ...s3Env(s3),
        NODE_ENV: 'production',
      },
      { built: true },
    );
    const ready = await pollUntil(
      () => getJson(`http://127.0.0.1:${port}/readyz`),
      (answer) => answer.status === 200,
    );
    expect(ready.body).toMatchObject({ status: 'ok' });
    const basic = `Basic ${Buffer.from(`admin:${TEST_ADMIN_KEY}`).toString('base64')}`;
    for (const [path, headers] of [
      ['/', {}],
      ['/docs/', {}],
      ['/v1/models', bearer()],
      ['/admin/queues', { authorization: basic }],
    ] as const) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
      expect(response.status, path).toBe(200);
    }
    expect(gateway.output()).not.toMatch(/error/i);
  });

  it('bundles neither onnxruntime-node, s3rver nor test support, and its production dependencies hold neither', () => {
    const meta = JSON.parse(readFileSync(join(GATEWAY, 'dist/meta.json'), 'utf8')) as Metafile;
    const bundled = Object.keys(meta.inputs);
    expect(bundled.length).toBeGreaterThan(100);
    const testOnly = ['apps/gateway/test/', 'packages/test-kit', 'packages/mlflow-test-server', 'vitest'];
    for (const name of [...NOT_IN_GATEWAY, 'packages/classifier', 'packages/embedded-s3', ...testOnly]) {
      expect(
        bundled.filter((path) => path.includes(name)),
        name,
      ).toEqual([]);
    }
    // What the bundle leaves to node_modules is the gateway's own dependencies, so its image has them.
    const declared = Object.keys(
      (JSON.parse(readFileSync(join(GATEWAY, 'package.json'), 'utf8')) as { dependencies: object })
        .dependencies,
    );
    const external = Object.values(meta.outputs)
      .flatMap((output) => output.imports)
      .filter(
        (entry) => entry.external && !entry.path.startsWith('node:') && !builtinModules.includes(entry.path),
      )
      .map((entry) => entry.path);
    for (const path of external) {
      expect(
        declared.some((name) => path === name || path.startsWith(`${name}/`)),
        path,
      ).toBe(true);
    }
    const closure = dependencyClosure(GATEWAY);
    expect(closure.size).toBeGreaterThan(50);
    expect([...closure].filter((name) => NOT_IN_GATEWAY.includes(name))).toEqual([]);
  });

  it("ships Prisma's query compiler as a .wasm file beside the bundle, not as base64 inside it", () => {
    const wasm = readFileSync(join(GATEWAY, 'dist/query_compiler_small_bg.mysql.wasm'));
    // Every WebAssembly module starts with "\0asm"; in base64 that is "AGFzbQ".
    expect(wasm.subarray(0, 4).toString('latin1')).toBe('\0asm');
    expect(readFileSync(join(GATEWAY, 'dist/main.js'), 'utf8')).not.toContain('AGFzbQ');
  });

  it('leaves s3rver out of the worker too, which needs onnxruntime-node', () => {
    const closure = dependencyClosure(join(ROOT, 'apps/worker'));
    expect(closure.has('onnxruntime-node')).toBe(true);
    expect(closure.has('s3rver')).toBe(false);
  });
});
