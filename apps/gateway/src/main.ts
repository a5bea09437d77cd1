import { once } from 'node:events';
import { createServer } from 'node:http';
import { loadConfigOrExit } from '@shelfwise/config';
import { JOBS } from '@shelfwise/contracts';
import { ApiKeyRepository } from '@shelfwise/db';
import { createInfrastructure, createRedis } from '@shelfwise/infrastructure';
import { onShutdown } from '@shelfwise/lifecycle';
import { createLogger } from '@shelfwise/logger';
import { Registry } from '@shelfwise/metrics';
import { JobProducer, withDeadline } from '@shelfwise/queue';
import { QueueEvents } from 'bullmq';
import { NO_KEYS_MESSAGE, startupAdminKeys } from './auth/admin-keys';
import { createApp } from './create-app';

const config = loadConfigOrExit();
const logger = createLogger({ name: 'gateway', level: config.logLevel });
const infrastructure = createInfrastructure(config);
// The fail-fast client connection: a request answers 503 when Redis is down instead of hanging.
const producer = new JobProducer({
  connection: infrastructure.redis,
  prefix: config.queuePrefix,
  attempts: config.jobs.attempts,
  backoffMs: config.jobs.backoffMs,
});
// QueueEvents blocks on XREAD: it needs a connection of its own that retries for ever (BullMQ's rule).
const eventsConnection = createRedis(config.redisUrl, 'worker', config.redisClusterNodes);
eventsConnection.on('error', () => {});
const onlineEvents = new QueueEvents(JOBS.online.queue, {
  connection: eventsConnection,
  prefix: config.queuePrefix,
});
// Redis being down is reported by /readyz; these only keep BullMQ from printing each reconnect attempt.
const quiet = (error: Error) => logger.debug({ err: error }, 'queue connection error');
onlineEvents.on('error', quiet);
for (const queue of producer.allQueues()) queue.on('error', quiet);

const adminKeys = await startupAdminKeys(config, new ApiKeyRepository(infrastructure.db), (file) =>
  logger.info({ file }, 'development admin API key (owner-only file; `pnpm start` prints it)'),
).catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
if (!adminKeys) {
  process.stderr.write(`${NO_KEYS_MESSAGE}\n`);
  await infrastructure.close();
  process.exit(1);
}

const gateway = createApp({
  readiness: infrastructure.readiness,
  logger,
  // One registry for the process, served at GET /metrics.
  metrics: { registry: new Registry(), minF1AlertThreshold: config.monitoring.minF1AlertThreshold },
  db: infrastructure.db,
  store: infrastructure.store,
  producer,
  onlineEvents,
  predictTimeoutMs: config.jobs.predictTimeoutMs,
  predictBatch: config.jobs.predictBatch,
  datasetBucket: config.s3.buckets.dataset,
  adminKeys,
  rateLimitPerMinute: config.gateway.rateLimitPerMinute,
  unknownKeysPerMinute: config.gateway.unknownKeysPerMinute,
  trustProxyHops: config.gateway.trustProxyHops,
  s3AllowedPrefixes: config.gateway.s3AllowedPrefixes,
});
const server = createServer(gateway.handle).listen(config.gateway.port);

// Installed before anything can answer, so a SIGTERM at any moment takes the graceful path.
onShutdown(
  async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    // BullMQ's close waits for a connection that may never have come up: bounded, so a down Redis
    // cannot hold the exit; the connections are dropped right after either way.
    await withDeadline(
      Promise.all([onlineEvents.close(), producer.close()]),
      2_000,
      () => new Error('queues did not close within 2 s'),
    ).catch((error: unknown) => logger.warn({ err: error }, 'closing the queues'));
    eventsConnection.disconnect();
    await infrastructure.close();
  },
  { graceMs: config.shutdownGraceMs, logger },
);

await once(server, 'listening');
// A down Redis is not a reason to die: /readyz reports it and requests answer 503 until it is back.
await infrastructure.settle();
const readiness = await infrastructure.readiness();
logger.info(
  { port: config.gateway.port, ready: readiness.ok, checks: readiness.checks },
  'gateway listening',
);
