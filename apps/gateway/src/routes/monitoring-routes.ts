import { monitoringQuery } from '@shelfwise/contracts';
import type { MonitoringRepository } from '@shelfwise/db';
import { Router } from 'express';
import { callerOf, ownerFilter } from '../auth/caller';
import { toMonitoringPoint } from '../monitoring/monitoring-point';

const DEFAULT_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;

/** `GET /v1/monitoring`: model quality on human-verified rows over time, from MySQL; a client sees its own jobs' points. */
export function monitoringRoutes(monitoring: MonitoringRepository): Router {
  const router = Router();
  router.get('/v1/monitoring', async (req, res) => {
    const query = monitoringQuery.parse(req.query);
    const since = query.since ? new Date(query.since) : new Date(Date.now() - DEFAULT_WINDOW_MS);
    const points = await monitoring.listPoints({
      since,
      version: query.model_version,
      limit: query.limit,
      apiKeyId: ownerFilter(callerOf(res)),
    });
    res.json({ items: points.map(toMonitoringPoint) });
  });
  return router;
}
