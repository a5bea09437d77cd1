import { type ChildProcess, spawn } from 'node:child_process';
import { freePort, killHard } from './app-process';

export interface RedisServer {
  url: string;
  /** Kills the server (SIGKILL: nothing is saved, and it keeps nothing on disk anyway). */
  kill(): Promise<void>;
  /** Starts it again on the same port, empty. */
  start(): Promise<void>;
}

/**
 * A redis-server of the test's own, on a free port, keeping nothing on disk: killing and restarting it
 * is Redis losing its data. The shared Redis on 6379 is never touched (other test files use it).
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawnRedisServer(port);
    await readyToAccept(child);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill: () => killHard(child),
    start,
  };
}

/** A redis-server on `port` of loopback, saving nothing, with `extra` arguments (e.g. cluster mode). */
export function spawnRedisServer(port: number, extra: readonly string[] = []): ChildProcess {
  return spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--daemonize',
      'no',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Resolves once the server says it accepts connections; rejects, with its output, if it exits first. */
export async function readyToAccept(server: ChildProcess): Promise<void> {
  let output = '';
  await new Promise<void>((resolve, reject) => {
    server.stdout?.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Ready to accept connections')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
  });
}
