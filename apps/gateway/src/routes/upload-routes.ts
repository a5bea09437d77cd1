import { uploadQuery } from '@shelfwise/contracts';
import { Router } from 'express';
import { callerOf } from '../auth/caller';
import { RequestError } from '../errors/request-error';
import type { CsvUploader } from '../uploads/csv-uploader';

/** `POST /v1/uploads?name=<file>.csv`: a CSV body into the dataset bucket (a client key's into its own namespace), answered with its s3:// URI. */
export function uploadRoutes(uploader: CsvUploader): Router {
  const router = Router();
  router.post('/v1/uploads', async (req, res) => {
    const { name } = uploadQuery.parse(req.query);
    if (!req.is('text/csv')) {
      const message = 'must be text/csv';
      throw new RequestError(`Content-Type ${message}`, [{ path: 'Content-Type', message }]);
    }
    const length = req.get('content-length');
    const answer = await uploader.upload(
      name,
      callerOf(res),
      req,
      length === undefined ? undefined : Number(length),
    );
    res.status(201).json(answer);
  });
  return router;
}
