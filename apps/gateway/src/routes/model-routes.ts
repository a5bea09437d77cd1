import { modelVersionParams } from '@shelfwise/contracts';
import type { JobRepository } from '@shelfwise/db';
import { Router } from 'express';
import { callerOf } from '../auth/caller';
import { requireAdmin } from '../auth/require-admin';
import type { ModelRegistry } from '../models/model-registry';
import { toModelView } from '../models/model-view';
import { hideForeignSources } from '../tenancy/hide-foreign-sources';

/** The model registry: which versions exist, and which one serves. */
export function modelRoutes(registry: ModelRegistry, jobs: JobRepository): Router {
  const router = Router();
  router.get('/v1/models', async (_req, res) => {
    const views = (await registry.list()).map(toModelView);
    res.json({ items: await hideForeignSources(callerOf(res), views, jobs) });
  });
  router.get('/v1/models/:version', async (req, res) => {
    const { version } = modelVersionParams.parse(req.params);
    const [view] = await hideForeignSources(callerOf(res), [toModelView(await registry.find(version))], jobs);
    res.json(view);
  });
  router.post('/v1/models/:version/promote', requireAdmin(), async (req, res) => {
    const { version } = modelVersionParams.parse(req.params);
    res.json(toModelView(await registry.promote(version)));
  });
  return router;
}
