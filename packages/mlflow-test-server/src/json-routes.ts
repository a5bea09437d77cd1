import type { RequestFields } from './request-fields';

/**
 * JSON endpoints keyed by `"<METHOD> <path below /api/2.0>"`, e.g. `"POST /mlflow/runs/create"`.
 * A handler returns the response message or throws MlflowHttpError.
 */
export type JsonRoutes = Record<string, (fields: RequestFields) => object>;
