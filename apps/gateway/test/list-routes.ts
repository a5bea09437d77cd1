import type { Gateway } from '../src/create-app';

interface Layer {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

export interface RegisteredRoutes {
  /** `METHOD /path` for every route handler, Express path syntax (`/v1/jobs/:id`). */
  routes: string[];
  /** Paths where a sub-app or sub-router is mounted (bull-board): its routes belong to that package. */
  mounts: string[];
}

/**
 * The routes the gateway serves: those before Express, and its Express app's read from its router stack:
 * what the OpenAPI document must cover. Routers mounted at `/` are walked; one mounted at a path is reported
 * as a mount.
 */
export function listRoutes({ app, directRoutes }: Gateway): RegisteredRoutes {
  const routes: string[] = [...directRoutes];
  const mounts: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route && typeof layer.route.path === 'string') {
        for (const method of Object.keys(layer.route.methods)) {
          routes.push(`${method.toUpperCase()} ${layer.route.path}`);
        }
      } else if (layer.handle?.stack) {
        if (layer.rawPath === '/' || layer.rawPath === undefined) walk(layer.handle.stack);
        else mounts.push(String(layer.rawPath));
      } else if (layer.name === 'mounted_app') {
        mounts.push(String(layer.rawPath));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return { routes: [...new Set(routes)].sort(), mounts: mounts.sort() };
}
