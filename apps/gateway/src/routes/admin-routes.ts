import type { Queue } from 'bullmq';
import { type RequestHandler, Router } from 'express';

export const ADMIN_QUEUES_PATH = '/admin/queues';

/** bull-board's page template links its typefaces from Google Fonts. */
const EXTERNAL_STYLESHEET = /<link\b[^>]*\bhref="https?:\/\/[^"]*"[^>]*rel="stylesheet"[^>]*>\s*/g;

/**
 * Takes the external stylesheet links out of bull-board's page, so opening it asks nothing of another host
 * (offline it would wait on the font; anywhere it tells Google who looks at the queues). Its CSS falls
 * back to the system's sans-serif. The page is rendered with `res.send` before any Content-Type is set,
 * which tells it from bull-board's JSON answers (`res.json` sets the type first).
 */
function withoutExternalStylesheets(): RequestHandler {
  return (_req, res, next) => {
    const send = res.send;
    res.send = function sendPage(this: typeof res, body?: unknown) {
      const page = typeof body === 'string' && !this.get('content-type');
      return send.call(this, page ? body.replace(EXTERNAL_STYLESHEET, '') : body);
    };
    next();
  };
}

/**
 * bull-board over every queue of the system: depths, failures, retries, one job's data. It is loaded on
 * the first request for the page: people open it now and then, and its modules (lodash, its UI server,
 * its templates) would otherwise sit in every gateway's memory from boot.
 */
export function adminRoutes(queues: Queue[]): Router {
  let board: Promise<RequestHandler> | undefined;
  const router = Router();
  router.use(withoutExternalStylesheets(), (req, res, next) => {
    board ??= loadBoard(queues);
    board.then((handler) => handler(req, res, next), next);
  });
  return router;
}

async function loadBoard(queues: Queue[]): Promise<RequestHandler> {
  const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
    import('@bull-board/api'),
    import('@bull-board/api/bullMQAdapter'),
    import('@bull-board/express'),
  ]);
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(ADMIN_QUEUES_PATH);
  createBullBoard({ queues: queues.map((queue) => new BullMQAdapter(queue)), serverAdapter });
  return serverAdapter.getRouter();
}
