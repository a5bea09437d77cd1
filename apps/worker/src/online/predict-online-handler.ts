import type { DirectHandler } from '../job-handlers';
import type { ModelCache } from '../model/model-cache';

/** Small synchronous batches from POST /v1/predict: no row, no S3, the cached serving model. */
export function predictOnlineHandler(models: ModelCache): DirectHandler<'online'> {
  return {
    kind: 'direct',
    run: async ({ texts }) => {
      const lease = await models.acquire({ fresh: false });
      try {
        const predictions = await lease.predictor.predict(texts);
        return {
          modelVersion: lease.version,
          predictions: predictions.map(({ label, confidence }) => ({ label, confidence })),
        };
      } finally {
        lease.release();
      }
    },
  };
}
