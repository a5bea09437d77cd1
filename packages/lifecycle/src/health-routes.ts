import { Router } from 'express';
import type { Readiness } from './run-checks';

/**
 * `/healthz`: the process is alive (no dependency calls, so a slow database never gets it killed).
 * `/readyz`: every dependency with ok/error and latency; 503 when one is down, so traffic moves elsewhere.
 */
export function healthRoutes(readiness: () => Promise<Readiness>): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const result = await readiness();
    res
      .status(result.ok ? 200 : 503)
      .json({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks });
  });
  return router;
}
