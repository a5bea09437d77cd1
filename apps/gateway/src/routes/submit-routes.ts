import { predictCsvRequest, trainCsvRequest, trainFeedbackRequest } from '@shelfwise/contracts';
import { type Response, Router } from 'express';
import { callerOf } from '../auth/caller';
import { idempotencyKey } from '../http/idempotency-key';
import type { JobSubmitter, Submitted } from '../jobs/job-submitter';

/** 202 for a new job; 200 when an idempotent replay returns the job an earlier request made. */
function accepted(res: Response, { job, created }: Submitted): void {
  res
    .status(created ? 202 : 200)
    .location(`/v1/jobs/${job.id}`)
    .json({ job_id: job.id, status: job.status });
}

/** The three endpoints of the original service: each records a job and queues it. */
export function submitRoutes(submitter: JobSubmitter): Router {
  const router = Router();
  router.post('/v1/predict/csv', async (req, res) => {
    const request = predictCsvRequest.parse(req.body);
    accepted(res, await submitter.predictCsv(request, idempotencyKey(req), callerOf(res)));
  });
  router.post('/v1/train/csv', async (req, res) => {
    const request = trainCsvRequest.parse(req.body);
    accepted(res, await submitter.trainCsv(request, idempotencyKey(req), callerOf(res)));
  });
  router.post('/v1/train/human_feedback', async (req, res) => {
    const request = trainFeedbackRequest.parse(req.body);
    accepted(res, await submitter.trainFeedback(request, idempotencyKey(req), callerOf(res)));
  });
  return router;
}
