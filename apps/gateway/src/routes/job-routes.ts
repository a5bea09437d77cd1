import { listJobsQuery } from '@shelfwise/contracts';
import type { JobRepository } from '@shelfwise/db';
import { Router } from 'express';
import { assertOwns, callerOf, ownerFilter } from '../auth/caller';
import { NotFoundError } from '../errors/not-found-error';
import type { JobCanceller } from '../jobs/job-canceller';
import { toJobView } from '../jobs/job-view';

/** Job status from MySQL (the source of truth), listing with cursor pages, and cancelling. */
export function jobRoutes(jobs: JobRepository, canceller: JobCanceller): Router {
  const router = Router();
  router.get('/v1/jobs', async (req, res) => {
    const query = listJobsQuery.parse(req.query);
    const page = await jobs.list({ ...query, apiKeyId: ownerFilter(callerOf(res)) });
    res.json({ items: page.items.map(toJobView), next_cursor: page.nextCursor });
  });
  router.get('/v1/jobs/:id', async (req, res) => {
    const job = await jobs.findById(req.params.id);
    if (!job) throw new NotFoundError(`no job ${req.params.id}`);
    assertOwns(callerOf(res), job);
    res.json(toJobView(job));
  });
  router.post('/v1/jobs/:id/cancel', async (req, res) => {
    const job = await jobs.findById(req.params.id);
    if (job) assertOwns(callerOf(res), job);
    res.json(toJobView(await canceller.cancel(req.params.id)));
  });
  return router;
}
