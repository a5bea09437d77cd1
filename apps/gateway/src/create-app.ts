import { healthRoutes, type Readiness } from '@shelfwise/lifecycle';
import type { Logger } from '@shelfwise/logger';
import express, { type ErrorRequestHandler, type Express } from 'express';

export interface GatewayDependencies {
  readiness(): Promise<Readiness>;
  logger: Logger;
}

/** The HTTP surface. Dependencies come in as parameters, so tests build it against real services. */
export function createApp(deps: GatewayDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(deps.readiness));
  app.use((req, res) => {
    res.status(404).json({ error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${req.path}` } });
  });
  app.use(errorHandler(deps.logger));
  return app;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    logger.error({ err: error }, 'unhandled error');
    res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error' } });
  };
}
