import { Router } from 'express';
import type { Readiness } from './run-checks';

/** Whether the process can still do its work; `details` say what is wrong when it cannot. */
export interface Liveness {
  ok: boolean;
  details?: Record<string, unknown>;
}

/**
 * `/healthz`: the process is alive (no dependency calls, so a slow database never gets it killed); a process
 * that knows it is wedged (e.g. a worker whose every slot of a queue is stuck) says so with 503, and is
 * restarted. `/readyz`: every dependency with ok/error and latency; 503 when one is down, so traffic moves
 * elsewhere.
 */
export function healthRoutes(readiness: () => Promise<Readiness>, liveness?: () => Liveness): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const live = liveness?.() ?? { ok: true };
    if (live.ok) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'stuck', ...live.details });
  });
  router.get('/readyz', async (_req, res) => {
    const result = await readiness();
    res
      .status(result.ok ? 200 : 503)
      .json({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks });
  });
  return router;
}
