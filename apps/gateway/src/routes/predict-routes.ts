import { predictRequest } from '@shelfwise/contracts';
import { Router } from 'express';
import type { OnlinePredictor } from '../predict/online-predictor';

/** Synchronous predictions for small batches, answered by a worker through the online queue. */
export function predictRoutes(predictor: OnlinePredictor): Router {
  const router = Router();
  router.post('/v1/predict', async (req, res) => {
    const { texts } = predictRequest.parse(req.body);
    const { modelVersion, predictions } = await predictor.predict(texts);
    res.json({ model_version: modelVersion, predictions });
  });
  return router;
}
