import { once } from 'node:events';
import { loadConfigOrExit } from '@shelfwise/config';
import { createInfrastructure } from '@shelfwise/infrastructure';
import { healthRoutes, onShutdown } from '@shelfwise/lifecycle';
import { createLogger } from '@shelfwise/logger';
import express from 'express';

const config = loadConfigOrExit();
const logger = createLogger({ name: 'worker', level: config.logLevel });
const infrastructure = createInfrastructure(config);

// Workers take no traffic; this port only serves probes (and, later, metrics).
const server = express().use(healthRoutes(infrastructure.readiness)).listen(config.worker.port);

onShutdown(
  async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await infrastructure.close();
  },
  { graceMs: config.shutdownGraceMs, logger },
);

await once(server, 'listening');
await infrastructure.settle();
const readiness = await infrastructure.readiness();
logger.info({ port: config.worker.port, ready: readiness.ok, checks: readiness.checks }, 'worker started');
