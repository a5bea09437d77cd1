import { Router } from 'express';
import type { Registry } from 'prom-client';

/** `GET /metrics` in Prometheus's text format, from the process's own registry. */
export function metricsRoute(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
