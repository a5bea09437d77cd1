import { type ChildProcess, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, killHard, pollUntil } from './app-process';
import { readyToAccept, spawnRedisServer } from './redis-server';

const run = promisify(execFile);

export interface RedisCluster {
  /** REDIS_CLUSTER_NODES for the apps: every master's host:port. */
  nodes: string;
  /** FLUSHALL on every master: the whole cluster's data gone, connections up. */
  flushAll(): Promise<void>;
  /** Kills every server and removes their directory. */
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of three masters (no replicas) on loopback, of the test's own, keeping nothing on disk but
 * each node's cluster config in a temporary directory. Resolves once every node reports cluster_state:ok.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'sw-redis-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const servers: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => killHard(server)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) servers.push(spawnNode(port, dir));
    await Promise.all(servers.map(readyToAccept));
    const nodes = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes']);
    for (const port of ports) {
      await pollUntil(
        () => cli(port, 'cluster', 'info'),
        (info) => info.includes('cluster_state:ok'),
        { timeoutMs: 20_000, intervalMs: 100 },
      );
    }
    return {
      nodes: nodes.join(','),
      flushAll: async () => {
        for (const port of ports) expectOk(await cli(port, 'flushall'));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function cli(port: number, ...command: string[]): Promise<string> {
  return (await run('redis-cli', ['-p', String(port), ...command])).stdout;
}

function expectOk(reply: string): void {
  if (reply.trim() !== 'OK') throw new Error(`redis-cli answered ${reply}`);
}

const spawnNode = (port: number, dir: string) =>
  spawnRedisServer(port, [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(dir, `nodes-${port}.conf`),
    '--dir',
    dir,
  ]);
