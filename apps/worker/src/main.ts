import { loadConfigOrExit } from '@shelfwise/config';
import { createInfrastructure, createRedis } from '@shelfwise/infrastructure';
import { onShutdown } from '@shelfwise/lifecycle';
import { createLogger } from '@shelfwise/logger';
import { Registry } from '@shelfwise/metrics';
import { createWorker } from './create-worker';
import { WorkerStoppingError } from './errors/worker-stopping-error';

const config = loadConfigOrExit();
const logger = createLogger({ name: 'worker', level: config.logLevel });
const infrastructure = createInfrastructure(config);
const connection = createRedis(config.redisUrl, 'worker', config.redisClusterNodes);
const worker = createWorker({ config, logger, infrastructure, connection, registry: new Registry() });

onShutdown(
  async () => {
    await worker.stop();
    connection.disconnect();
    await infrastructure.close();
  },
  {
    graceMs: config.shutdownGraceMs,
    logger,
    // Running jobs are stopped (streams closed, uploads aborted) and left for another worker.
    onGraceOver: () => worker.abortRunning(new WorkerStoppingError()),
  },
);

await worker.start();
