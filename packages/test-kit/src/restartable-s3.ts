import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedS3, startEmbeddedS3 } from '@shelfwise/embedded-s3';
import { freePort } from './free-port';

export interface RestartableS3 {
  endpoint: string;
  /** Closes the server: connections to its port are refused, as when the S3 host is down. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory: the objects are still there. */
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

/**
 * An S3 server of the test's own, in process, that can go down and come back: for tests of what a
 * dependency outage does (the run's shared server must stay up for every other file).
 */
export async function startRestartableS3(): Promise<RestartableS3> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shelfwise-s3-restartable-'));
  const port = await freePort();
  let server: EmbeddedS3 | undefined = await startEmbeddedS3({ port, dataDir });
  const stop = async () => {
    await server?.close();
    server = undefined;
  };
  return {
    endpoint: server.endpoint,
    stop,
    async start() {
      server ??= await startEmbeddedS3({ port, dataDir });
    },
    async remove() {
      await stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
