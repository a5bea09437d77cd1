import { once } from 'node:events';
import { loadConfigOrExit } from '@shelfwise/config';
import { createInfrastructure } from '@shelfwise/infrastructure';
import { onShutdown } from '@shelfwise/lifecycle';
import { createLogger } from '@shelfwise/logger';
import { createApp } from './create-app';

const config = loadConfigOrExit();
const logger = createLogger({ name: 'gateway', level: config.logLevel });
const infrastructure = createInfrastructure(config);
const server = createApp({ readiness: infrastructure.readiness, logger }).listen(config.gateway.port);

// Installed before anything can answer, so a SIGTERM at any moment takes the graceful path.
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
logger.info(
  { port: config.gateway.port, ready: readiness.ok, checks: readiness.checks },
  'gateway listening',
);
