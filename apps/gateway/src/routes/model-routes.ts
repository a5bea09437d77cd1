import { modelVersionParams } from '@shelfwise/contracts';
import { Router } from 'express';
import { requireAdmin } from '../auth/require-admin';
import type { ModelRegistry } from '../models/model-registry';
import { toModelView } from '../models/model-view';

/** The model registry: which versions exist, and which one serves. */
export function modelRoutes(registry: ModelRegistry): Router {
  const router = Router();
  router.get('/v1/models', async (_req, res) => {
    res.json({ items: (await registry.list()).map(toModelView) });
  });
  router.get('/v1/models/:version', async (req, res) => {
    const { version } = modelVersionParams.parse(req.params);
    res.json(toModelView(await registry.find(version)));
  });
  router.post('/v1/models/:version/promote', requireAdmin(), async (req, res) => {
    const { version } = modelVersionParams.parse(req.params);
    res.json(toModelView(await registry.promote(version)));
  });
  return router;
}
