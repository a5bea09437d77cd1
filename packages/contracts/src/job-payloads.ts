import { z } from 'zod';
import { predictCsvRequest, trainCsvRequest, trainFeedbackRequest } from './http';
import { JOBS, type JobName, type JobPayload } from './job-catalog';

type PredictCsvRequest = z.infer<typeof predictCsvRequest>;
type TrainCsvRequest = z.infer<typeof trainCsvRequest>;
type TrainFeedbackRequest = z.infer<typeof trainFeedbackRequest>;

/** A prefix names a folder: without the slash, `feedback` would also match `feedback-old/`. */
export const asPrefix = (uri: string): string => (uri.endsWith('/') ? uri : `${uri}/`);

/** The input objects at the versions a job reads, as the job row records them (`input_versions`). */
export const pinnedInputs = z.array(z.object({ uri: z.string(), etag: z.string() }));
export type PinnedInput = z.infer<typeof pinnedInputs>[number];

export const predictCsvPayload = (
  request: PredictCsvRequest,
  jobId: string,
  inputEtag?: string,
): JobPayload<'predict-csv'> => ({
  v: 1,
  jobId,
  inputUri: request.input_file_s3,
  ...(inputEtag === undefined ? {} : { inputEtag }),
});

export const trainCsvPayload = (
  request: TrainCsvRequest,
  jobId: string,
  sourceEtag?: string,
): JobPayload<'train'> => ({
  v: 1,
  jobId,
  sourceUri: request.train_file_s3,
  ...(sourceEtag === undefined ? {} : { sourceEtag }),
  epochs: request.epoch_num,
  bestModelMetric: request.best_model_metric,
});

export const trainFeedbackPayload = (request: TrainFeedbackRequest, jobId: string): JobPayload<'train'> => ({
  v: 1,
  jobId,
  sourceUri: asPrefix(request.train_dir_s3),
  epochs: request.epoch_num,
  bestModelMetric: request.best_model_metric,
  includeFeedback: true,
});

/** The job row types, as stored in MySQL (the db package owns the enum; this is its wire form). */
export type RecordedJobType = 'PREDICT_CSV' | 'TRAIN_CSV' | 'TRAIN_FEEDBACK' | 'RETRAIN_SCHEDULED';

export type QueuedJob = { [N in JobName]: { name: N; payload: JobPayload<N> } }[JobName];

/**
 * Rebuilds the queue job of a job row from its stored `input`: the gateway stores the validated request,
 * the retrain schedule stores the payload itself. Both sides build payloads with the functions above, so a
 * job enqueued again (Redis lost it) carries exactly what the first enqueue carried, the pinned ETag of a
 * single input object included (`pins`: the row's input versions, null when none were recorded). Throws
 * (zod) when the stored input no longer parses: such a row can never run.
 */
export function queuedJobOf(
  type: RecordedJobType,
  input: unknown,
  jobId: string,
  pins: unknown = null,
): QueuedJob {
  const pinned = pins === null ? [] : pinnedInputs.parse(pins);
  const etagOf = (uri: string) => pinned.find((pin) => pin.uri === uri)?.etag;
  switch (type) {
    case 'PREDICT_CSV': {
      const request = predictCsvRequest.parse(input);
      return {
        name: 'predict-csv',
        payload: predictCsvPayload(request, jobId, etagOf(request.input_file_s3)),
      };
    }
    case 'TRAIN_CSV': {
      const request = trainCsvRequest.parse(input);
      return { name: 'train', payload: trainCsvPayload(request, jobId, etagOf(request.train_file_s3)) };
    }
    case 'TRAIN_FEEDBACK':
      return { name: 'train', payload: trainFeedbackPayload(trainFeedbackRequest.parse(input), jobId) };
    case 'RETRAIN_SCHEDULED':
      return { name: 'train', payload: JOBS.train.payload.parse({ ...(input as object), jobId }) };
  }
}
