import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router } from 'express';
import { PUBLIC_DIR } from '../public-dir';

// Swagger UI's prebuilt files ship in the npm package: the page loads with no internet access.
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

/** `/openapi.json` (the document, built once at start-up) and `/docs`, Swagger UI over it. */
export function docsRoutes(document: Record<string, unknown>): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  // Our page and initializer first; Swagger UI's own index.html (it points at a demo API) is never served.
  router.use('/docs', express.static(join(PUBLIC_DIR, 'docs')));
  router.use('/docs', express.static(SWAGGER_UI_DIR, { index: false }));
  return router;
}
