import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, killHard } from './app-process';

export interface MariaDbServer {
  /** mysql://root@127.0.0.1:<port>/<database> */
  url(database: string): string;
  /** Stops the server the hard way (SIGKILL), as a crash or a lost host would. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data directory: the data is still there. */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open and queries never answer, as with a hung host. */
  freeze(): void;
  /** SIGCONT: it answers again. */
  thaw(): void;
  /** Kills it and deletes its data directory. */
  remove(): Promise<void>;
}

/**
 * A MariaDB server of the test's own (fresh data directory, free port, root without password): the test
 * may stop it while the shared server on 3306 keeps serving the other test files.
 */
export async function startMariaDb(): Promise<MariaDbServer> {
  const dir = await mkdtemp(join(tmpdir(), 'shelfwise-mariadb-'));
  const dataDir = join(dir, 'data');
  await promisify(execFile)('mariadb-install-db', [
    '--no-defaults',
    `--datadir=${dataDir}`,
    '--auth-root-authentication-method=normal',
    '--skip-test-db',
  ]);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const server = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--port=${port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'mysqld.sock')}`,
        `--pid-file=${join(dir, 'mysqld.pid')}`,
        // Tests run as root here; mariadbd refuses root unless told to.
        '--user=root',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        '--innodb-log-file-size=16M',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = server;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      server.stderr?.on('data', (chunk) => {
        output += chunk;
        if (output.includes('ready for connections')) resolve();
      });
      server.once('exit', (code) => reject(new Error(`mariadbd exited with ${code}: ${output}`)));
    });
  };
  const kill = () => killHard(child);
  await start();
  return {
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    kill,
    start,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async remove() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
