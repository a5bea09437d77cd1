import type { RequestHandler } from 'express';
import helmet from 'helmet';

/** Response headers as name and value, set in this order. */
export type HeaderList = readonly (readonly [string, string])[];

/**
 * helmet's headers on every answer. The CSP allows scripts and styles from 'self' only, which the console and
 * Swagger UI (both served from this gateway) need; bull-board renders an inline bootstrap script, so under
 * its path the CSP is left out and the other headers stay. No upgrade-insecure-requests: the gateway speaks
 * plain HTTP inside the cluster and on a laptop.
 *
 * helmet's headers depend on nothing in the request, so they are read off it once at start-up and set from
 * the list: the same headers for a fraction of the cost of its twelve middlewares per request, and a list
 * the routes served without Express (POST /v1/predict) set too.
 */
export class SecurityHeaders {
  private readonly strict: HeaderList = recorded(
    helmet({
      contentSecurityPolicy: { useDefaults: true, directives: { 'upgrade-insecure-requests': null } },
    }),
  );
  private readonly relaxed: HeaderList = recorded(helmet({ contentSecurityPolicy: false }));

  constructor(private readonly relaxedPath: string) {}

  forPath(path: string): HeaderList {
    return path.startsWith(this.relaxedPath) ? this.relaxed : this.strict;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      for (const [name, value] of this.forPath(req.path)) res.setHeader(name, value);
      next();
    };
  }
}

/** The headers a helmet middleware sets, in order (it also removes X-Powered-By, which Express never sends). */
function recorded(middleware: ReturnType<typeof helmet>): HeaderList {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader() {},
  };
  let done = false;
  middleware({} as never, recorder as never, () => {
    done = true;
  });
  // helmet calls next synchronously; if a version ever did not, the list would be silently incomplete.
  if (!done) throw new Error('helmet did not finish synchronously: its headers cannot be recorded');
  return headers;
}
