import type { GatewayMetrics } from '@shelfwise/metrics';
import type { Request, RequestHandler } from 'express';

/**
 * Times every request and records it under its route pattern (`/v1/jobs/:id`), never the raw path, so
 * ids do not become label values. Requests no route matched (404s, static files) share one label.
 */
export function requestMetrics(metrics: Pick<GatewayMetrics, 'observeRequest'>): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.once('finish', () => {
      metrics.observeRequest(req.method, routeOf(req), res.statusCode, (performance.now() - started) / 1_000);
    });
    next();
  };
}

function routeOf(req: Request): string {
  const path: unknown = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
}
