import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, killHard } from './app-process';

export interface S3Server {
  endpoint: string;
  port: number;
  /** Kills the process (SIGKILL): its connections are reset mid-transfer, as when an S3 host dies. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory: the objects are still there. */
  start(): Promise<void>;
  /** Established TCP connections to the server, counted by the kernel (/proc/net/tcp): the boundary. */
  connections(): Promise<number>;
  /** Kills it and deletes its data. */
  remove(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./s3-server-main.ts', import.meta.url));
const ESTABLISHED = '01';

/** An S3-protocol server (the embedded s3rver) in a process of its own, on a free port. */
export async function startS3Server(): Promise<S3Server> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shelfwise-s3-process-'));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const server = spawn(process.execPath, ['--import', 'tsx', MAIN, String(port), dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    child = server;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      server.stdout?.on('data', (chunk) => {
        output += chunk;
        if (output.includes('ready')) resolve();
      });
      server.stderr?.on('data', (chunk) => {
        output += chunk;
      });
      server.once('exit', (code) => reject(new Error(`the S3 server exited with ${code}: ${output}`)));
    });
  };
  const kill = () => killHard(child);
  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    kill,
    start,
    async connections() {
      let count = 0;
      for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
        const lines = (await readFile(table, 'utf8').catch(() => '')).split('\n').slice(1);
        for (const line of lines) {
          const [, local, , state] = line.trim().split(/\s+/);
          if (state === ESTABLISHED && Number.parseInt(local?.split(':')[1] ?? '', 16) === port) count++;
        }
      }
      return count;
    },
    async remove() {
      await kill();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
