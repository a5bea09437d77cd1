import type { Readable } from 'node:stream';
import { FEEDBACK_HEADER, InvalidRowsError, type PredictCounts, predictRows } from '@shelfwise/classifier';
import {
  feedbackUri as feedbackUriOf,
  type JobPayload,
  type JobResult,
  predictionsUri,
  reviewUri,
} from '@shelfwise/contracts';
import type { ObjectStore } from '@shelfwise/storage';
import { JobInputError } from '../errors/job-input-error';
import type { JobContext, JobOutcome } from '../job-context';
import type { RecordedHandler } from '../job-handlers';
import type { ModelCache, ModelLease } from '../model/model-cache';
import type { ShadowLease, ShadowModels } from '../model/shadow-models';
import type { ChunkedPredict } from './chunks/chunked-predict';
import { counted } from './counting-stream';
import { FeedbackScorer } from './feedback-scorer';
import { invalidRowsFailure } from './invalid-rows-failure';
import { type PredictOutcomeDependencies, recordPredictOutcome } from './record-predict-outcome';
import { throttle } from './throttle';
import { UploadSink } from './upload-sink';

/** `monitoring`, `shadowScores`, `feedback`, `tracking`: where the job's figures are recorded. */
export interface PredictCsvDependencies extends PredictOutcomeDependencies {
  store: ObjectStore;
  models: ModelCache;
  /** READY versions newer than the serving one, scored on the verified rows too. */
  shadows: ShadowModels;
  buckets: { dataset: string; inference: string };
  batchSize: number;
  /** Rows without a human label below this confidence also go to the review file (0: none do). */
  reviewConfidence: number;
  /** A file over PREDICT_CHUNK_ROWS rows goes to chunks any inference worker takes. */
  chunked: ChunkedPredict;
}

type Result = JobResult<'predict-csv'>;

/**
 * Streams the input CSV from S3, predicts in batches and streams the predictions back, in one pass with
 * bounded memory. Every invalid row is collected; if there is any, both uploads are aborted and the job
 * fails naming them, so nothing is written. Human-verified rows become feedback and are scored, by the
 * serving model and every shadow version, each on the rows it did not train on; unlabelled rows the model
 * is unsure of go to the review file, to be labelled and submitted back. An input that already has
 * prediction columns (a predictions file sent back) gets them replaced. The input is read at the version
 * pinned at submission, and every stream stops with the run's signal. A file over PREDICT_CHUNK_ROWS rows
 * is split into chunks that any inference worker predicts (ChunkedPredict), with the same outputs.
 */
export function predictCsvHandler(deps: PredictCsvDependencies): RecordedHandler<'predict-csv'> {
  return {
    kind: 'recorded',
    run: async (payload, context) => {
      const chunks = await deps.chunked.chunksOf(payload, context);
      if (chunks) return deps.chunked.run(payload, context, chunks);
      const lease = await deps.models.acquire({ fresh: true });
      let shadows: ShadowLease[] = [];
      try {
        await context.useModelVersion(lease.modelVersionId, lease.version);
        shadows = await deps.shadows.acquire(lease.version);
        return await predictFile(deps, payload, context, lease, shadows);
      } finally {
        lease.release();
        for (const shadow of shadows) shadow.release();
      }
    },
  };
}

async function predictFile(
  deps: PredictCsvDependencies,
  payload: JobPayload<'predict-csv'>,
  context: JobContext,
  lease: ModelLease,
  shadows: readonly ShadowLease[],
): Promise<JobOutcome<Result>> {
  const outputUri = predictionsUri(deps.buckets.inference, context.jobId);
  const feedbackUri = feedbackUriOf(deps.buckets.dataset, context.jobId);
  const reviewFileUri = reviewUri(deps.buckets.dataset, context.jobId);
  const { signal } = context;
  const size = (await deps.store.size(payload.inputUri)) ?? 0;
  // The version submitted (when the gateway pinned it), destroyed when the run is stopped.
  const input = counted(await deps.store.download(payload.inputUri, { etag: payload.inputEtag, signal }));
  const report = throttle(1_000, async () => {
    await context.progress(size > 0 ? Math.min(0.99, input.bytes / size) : 0);
    await context.checkCancelled();
  });

  let output: UploadSink | undefined;
  let feedback: UploadSink | undefined;
  let review: UploadSink | undefined;
  const scorer = new FeedbackScorer(lease.predictor.manifest, shadows);
  const upload = (uri: string) => (body: Readable) => deps.store.upload(uri, body, 'text/csv', { signal });
  let counts: PredictCounts;
  try {
    const { layout, counts: written } = await predictRows(input, lease.predictor, {
      batchSize: deps.batchSize,
      reviewConfidence: deps.reviewConfidence,
      open: (at) => {
        // Predictions (and the review file) are opened in spreadsheets: cells that would start a formula are
        // made text.
        output = new UploadSink(at.output, upload(outputUri), { neutraliseFormulas: true });
        // The feedback copy keeps the raw text: it is training data, read only by our own CSV reader, and an
        // apostrophe added here would become part of the text the next model learns from.
        if (at.verifiedAt >= 0) feedback = new UploadSink(FEEDBACK_HEADER, upload(feedbackUri));
        return {
          predictions: output,
          feedback,
          // Opened with the first unsure row: a job without any leaves no review object at all.
          review: {
            write: async (rows) => {
              review ??= new UploadSink(at.review, upload(reviewFileUri), { neutraliseFormulas: true });
              await review.write(rows);
            },
          },
          scored: (rows) => scorer.add(rows),
        };
      },
      afterBatch: report,
    }).catch((error: unknown) => {
      if (!(error instanceof InvalidRowsError)) throw error;
      throw invalidRowsFailure(error, payload.inputUri, lease.predictor.labels);
    });
    counts = written;
    if (!layout) throw new JobInputError('INVALID_CSV', `${payload.inputUri} is empty (no header)`);
    if (counts.rows === 0)
      throw new JobInputError('INVALID_CSV', `${payload.inputUri} has a header but no rows`);
    // Completing the uploads commits the outputs: only while this run holds the job.
    await context.confirmOwnership();
    await Promise.all([output?.finish(), feedback?.finish(), review?.finish()]);
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    output?.abort(reason);
    feedback?.abort(reason);
    review?.abort(reason);
    throw error;
  }

  // The verified column was there but nobody filled it in: no feedback to keep.
  if (feedback && counts.labelledRows === 0) await deps.store.delete(feedbackUri);
  return recordPredictOutcome(deps, context, {
    counts,
    scores: counts.labelledRows > 0 ? scorer.scores() : null,
    model: lease,
    uris: { output: outputUri, feedback: feedbackUri, review: reviewFileUri },
  });
}
