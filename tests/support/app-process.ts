import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '@shelfwise/test-kit';
import { appRun } from './app-image-run';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The ADMIN_API_KEY every app started here gets (unless its env says otherwise); test clients send it. */
export const TEST_ADMIN_KEY = `sw_test_${randomBytes(32).toString('base64url')}`;

/** `Authorization` for the test admin key, or `key`. */
export const bearer = (key: string = TEST_ADMIN_KEY) => ({ authorization: `Bearer ${key}` });

export interface AppProcess {
  child: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export { freePort } from '@shelfwise/test-kit';

/**
 * Starts a real app entry point (apps/<name>/src/main.ts through tsx, or with `built` its bundle
 * apps/<name>/dist/main.js by its image's command, with the image's environment) with the given environment,
 * and ADMIN_API_KEY set to the test key unless `env` sets it (an empty value counts as unset).
 */
export function startApp(
  name: 'gateway' | 'worker',
  env: Record<string, string>,
  { built = false } = {},
): AppProcess {
  const run = appRun(name, built);
  const child = spawn(run.command, run.args, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      ...run.env,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Polls `url` until `accept` says yes or the deadline passes (no fixed sleeps). */
export async function pollUntil<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  { timeoutMs = 30_000, intervalMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `condition not met within ${timeoutMs} ms; last value ${JSON.stringify(last)} ${lastError ?? ''}`,
  );
}

/** A GET with the test admin key (open routes ignore it). */
export async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers: bearer(), signal: AbortSignal.timeout(5_000) });
  return { status: response.status, body: await response.json() };
}

/** Polls each service's `/readyz` (base URLs) until it answers 200. */
export async function waitReady(...urls: string[]): Promise<void> {
  for (const url of urls) {
    await pollUntil(
      () => getJson(`${url}/readyz`),
      (r) => r.status === 200,
    );
  }
}

/**
 * Starts an app on a free port of its own (PORT for the gateway, WORKER_PORT for a worker) and waits until its
 * /readyz answers 200; `url` is its base URL. The process joins `started` before the wait, so the caller's
 * cleanup stops it even when it never becomes ready.
 */
export async function startReady(
  name: 'gateway' | 'worker',
  env: Record<string, string>,
  started: AppProcess[],
): Promise<{ app: AppProcess; url: string }> {
  const port = await freePort();
  const app = startApp(name, { ...env, [name === 'gateway' ? 'PORT' : 'WORKER_PORT']: String(port) });
  started.push(app);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(url);
  return { app, url };
}

/** SIGKILL, as a crash or a lost host, and wait for the exit; nothing when it is not running. */
export async function killHard(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}
