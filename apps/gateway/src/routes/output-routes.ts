import { pipeline } from 'node:stream/promises';
import type { JobRepository } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { ObjectStore } from '@shelfwise/storage';
import { Router } from 'express';
import { assertOwns, callerOf } from '../auth/caller';
import { ConflictError } from '../errors/conflict-error';
import { NotFoundError } from '../errors/not-found-error';

/** `GET /v1/jobs/:id/output`: the predictions CSV of a finished predict job, streamed from S3. */
export function outputRoutes(jobs: JobRepository, store: ObjectStore, logger: Logger): Router {
  const router = Router();
  router.get('/v1/jobs/:id/output', async (req, res) => {
    const job = await jobs.findById(req.params.id);
    if (!job) throw new NotFoundError(`no job ${req.params.id}`);
    assertOwns(callerOf(res), job);
    if (job.type !== 'PREDICT_CSV') {
      throw new ConflictError(
        `job ${job.id} is a ${job.type} job; only PREDICT_CSV jobs have an output file`,
        {
          type: job.type,
        },
      );
    }
    if (job.status !== 'SUCCEEDED' || job.outputUri === null) {
      throw new ConflictError(`job ${job.id} is ${job.status}; its output exists once it SUCCEEDED`, {
        status: job.status,
      });
    }
    // Opened before the headers go out, so a missing object is still a clean 404.
    const body = await store.download(job.outputUri);
    res.attachment(`predictions-${job.id}.csv`).type('text/csv');
    try {
      await pipeline(body, res);
    } catch (error) {
      // The status line is sent: all that is left is to cut the connection, so the client sees a failure.
      logger.warn({ err: error, jobId: job.id }, 'streaming the output stopped');
      res.destroy();
    }
  });
  return router;
}
