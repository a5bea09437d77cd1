import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * helmet's headers on every answer. The CSP allows scripts and styles from 'self' only, which the console and
 * Swagger UI (both served from this gateway) need; bull-board renders an inline bootstrap script, so under
 * its path the CSP is left out and the other headers stay. No upgrade-insecure-requests: the gateway speaks
 * plain HTTP inside the cluster and on a laptop.
 */
export function securityHeaders(relaxedPath: string): RequestHandler {
  const strict = helmet({
    contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } },
  });
  const relaxed = helmet({ contentSecurityPolicy: false });
  return (req, res, next) => (req.path.startsWith(relaxedPath) ? relaxed : strict)(req, res, next);
}
