import { pipeline } from 'node:stream/promises';
import { type JobFile, jobFileParams } from '@shelfwise/contracts';
import type { JobRepository } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { ObjectStore } from '@shelfwise/storage';
import { type Response, Router } from 'express';
import { assertOwns, callerOf } from '../auth/caller';
import { ConflictError } from '../errors/conflict-error';
import { NotFoundError } from '../errors/not-found-error';
import { storedResult } from '../jobs/stored-result';

const ABSENT: Record<JobFile, string> = {
  predictions: 'no predictions',
  feedback: 'no feedback file: no row had HUMAN_VERIFIED_Category filled in',
  review: 'no review file: no unlabelled row was below REVIEW_CONFIDENCE',
};

/**
 * `GET /v1/jobs/:id/output`: the predictions CSV of a finished predict job, streamed from S3;
 * `GET /v1/jobs/:id/output/:file`: that one or its feedback or review file. Each is read at the URI the
 * job recorded, for the caller that owns the job.
 */
export function outputRoutes(jobs: JobRepository, store: ObjectStore, logger: Logger): Router {
  const router = Router();
  const send = async (id: string, file: JobFile, res: Response) => {
    const job = await jobs.findById(id);
    if (!job) throw new NotFoundError(`no job ${id}`);
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
    const uri = file === 'predictions' ? job.outputUri : fileUri(job.result, file);
    if (!uri) throw new NotFoundError(`job ${job.id} has ${ABSENT[file]}`);
    // Opened before the headers go out, so a missing object is still a clean 404.
    const body = await store.download(uri);
    res.attachment(`${file}-${job.id}.csv`).type('text/csv');
    try {
      await pipeline(body, res);
    } catch (error) {
      // The status line is sent: all that is left is to cut the connection, so the client sees a failure.
      logger.warn({ err: error, jobId: job.id }, 'streaming the output stopped');
      res.destroy();
    }
  };
  router.get('/v1/jobs/:id/output', async (req, res) => {
    await send(req.params.id, 'predictions', res);
  });
  router.get('/v1/jobs/:id/output/:file', async (req, res) => {
    const { id, file } = jobFileParams.parse(req.params);
    await send(id, file, res);
  });
  return router;
}

/** The feedback or review URI a predict job's result names; null or absent: the job wrote none. */
function fileUri(result: unknown, file: 'feedback' | 'review'): string | null {
  const details = storedResult(result) as Record<string, unknown> | null;
  const uri = details?.[`${file}_uri`];
  return typeof uri === 'string' ? uri : null;
}
