import {
  createTestDatabase,
  createTestS3,
  type TestDatabase,
  type TestS3,
  uniquePrefix,
} from '@shelfwise/test-kit';
import { type AppProcess, freePort, startApp, TEST_ADMIN_KEY, waitReady } from './app-process';
import { type JobClient, jobClient } from './job-client';
import { s3Env } from './s3-env';

/** The whole system as users run it: real gateway and worker processes over MySQL, Redis and S3. */
export interface RunningSystem {
  api: string;
  /** The ADMIN_API_KEY the gateway was started with; `client` sends it. */
  adminKey: string;
  /** The worker's probe and metrics port. */
  workerUrl: string;
  client: JobClient;
  database: TestDatabase;
  s3: TestS3;
  apps: AppProcess[];
  stop(): Promise<void>;
}

/** Starts a gateway and a worker on a database, buckets and queue prefix of their own; ready when it answers. */
export async function startSystem(
  label: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningSystem> {
  const database = await createTestDatabase(label);
  const s3 = await createTestS3();
  const port = await freePort();
  const adminKey = TEST_ADMIN_KEY;
  const env = {
    DATABASE_URL: database.url,
    ...s3Env(s3),
    QUEUE_PREFIX: uniquePrefix(label),
    MODEL_POLL_MS: '200',
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const workerPort = await freePort();
  const apps = [
    startApp('gateway', { ...env, PORT: String(port) }),
    startApp('worker', { ...env, WORKER_PORT: String(workerPort) }),
  ];
  const api = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await Promise.all(apps.map((app) => app.stop('SIGTERM')));
    await database.drop();
  };
  try {
    await waitReady(api);
  } catch (error) {
    const output = apps.map((app) => app.output()).join('\n');
    await stop();
    throw new Error(`the system did not become ready: ${error}\n${output}`);
  }
  return {
    api,
    adminKey,
    workerUrl: `http://127.0.0.1:${workerPort}`,
    client: jobClient(api, adminKey),
    database,
    s3,
    apps,
    stop,
  };
}
