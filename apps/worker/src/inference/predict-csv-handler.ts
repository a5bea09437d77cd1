import type { Readable } from 'node:stream';
import { FEEDBACK_HEADER, InvalidRowsError, type PredictCounts, predictRows } from '@shelfwise/classifier';
import {
  feedbackUri as feedbackUriOf,
  type JobPayload,
  type JobResult,
  reviewUri,
} from '@shelfwise/contracts';
import type { FeedbackRepository, MonitoringRepository, ShadowScoreRepository } from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';
import { JobInputError } from '../errors/job-input-error';
import type { JobContext, JobOutcome } from '../job-context';
import type { RecordedHandler } from '../job-handlers';
import type { ModelCache, ModelLease } from '../model/model-cache';
import type { ShadowLease, ShadowModels } from '../model/shadow-models';
import type { JobTracking } from '../tracking/job-tracking';
import { counted } from './counting-stream';
import { FeedbackScorer } from './feedback-scorer';
import { throttle } from './throttle';
import { UploadSink } from './upload-sink';

export interface PredictCsvDependencies {
  store: ObjectStore;
  models: ModelCache;
  monitoring: MonitoringRepository;
  /** READY versions newer than the serving one, scored on the verified rows too. */
  shadows: ShadowModels;
  shadowScores: ShadowScoreRepository;
  feedback: FeedbackRepository;
  buckets: { dataset: string; inference: string };
  batchSize: number;
  /** Rows without a human label below this confidence also go to the review file (0: none do). */
  reviewConfidence: number;
  /** Sends the monitoring figures to MLflow (through the outbox), or nowhere when tracking is off. */
  tracking: JobTracking;
}

type Result = JobResult<'predict-csv'>;

/**
 * Streams the input CSV from S3, predicts in batches and streams the predictions back, in one pass with
 * bounded memory. Every invalid row is collected; if there is any, both uploads are aborted and the job
 * fails naming them, so nothing is written. Human-verified rows become feedback and are scored, by the
 * serving model and every shadow version, each on the rows it did not train on; unlabelled rows the model
 * is unsure of go to the review file, to be labelled and submitted back. An input that already has
 * prediction columns (a predictions file sent back) gets them replaced. The input is read at the version
 * pinned at submission, and every stream stops with the run's signal.
 */
export function predictCsvHandler(deps: PredictCsvDependencies): RecordedHandler<'predict-csv'> {
  return {
    kind: 'recorded',
    run: async (payload, context) => {
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
  const outputUri = `s3://${deps.buckets.inference}/${context.jobId}/predictions.csv`;
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
      throw new JobInputError(
        error.problems.unknownLabels ? 'UNKNOWN_LABEL' : 'INVALID_CSV',
        `${payload.inputUri}: ${error.message} (known labels: ${lease.predictor.labels.join(', ')})`,
      );
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

  const { rows, labelledRows, reviewRows, predictMs } = counts;
  // The verified column was there but nobody filled it in: no feedback to keep.
  if (feedback && labelledRows === 0) await deps.store.delete(feedbackUri);
  let metrics: Result['metrics'] = null;
  if (labelledRows > 0) {
    const { serving, shadows: shadowScores, failed } = scorer.scores();
    for (const { lease: shadow, error } of failed)
      context.logger.warn(
        { err: error, shadowVersion: shadow.version },
        'shadow version could not predict; not scored',
      );
    metrics = {
      weighted_f1: serving.weightedF1,
      min_f1: serving.minF1,
      seen_rows: serving.seenRows,
      unseen_rows: serving.seenRows === null ? null : serving.scoredRows,
    };
    await deps.feedback.record({ jobId: context.jobId, s3Uri: feedbackUri, rows: labelledRows });
    const figures = {
      jobId: context.jobId,
      modelVersionId: lease.modelVersionId,
      weightedF1: serving.weightedF1,
      minF1: serving.minF1,
      perClassF1: serving.perClassF1,
      rows,
      labelledRows,
      seenRows: serving.seenRows,
      latencyPerRowMs: predictMs / rows,
    };
    await deps.monitoring.record(figures);
    for (const shadow of shadowScores) {
      await deps.shadowScores.record({
        jobId: context.jobId,
        modelVersionId: shadow.lease.modelVersionId,
        weightedF1: shadow.weightedF1,
        minF1: shadow.minF1,
        scoredRows: shadow.scoredRows,
        seenRows: shadow.seenRows,
      });
    }
    await deps.tracking.recordMonitoring({ ...figures, modelVersion: lease.version });
  }
  // The job's logger already carries modelVersion (bound by useModelVersion).
  context.logger.info({ rows, labelledRows, reviewRows, ...metrics }, 'predictions written');
  return {
    outputUri,
    modelVersionId: lease.modelVersionId,
    result: {
      output_uri: outputUri,
      rows,
      labelled_rows: labelledRows,
      feedback_uri: labelledRows > 0 ? feedbackUri : null,
      review_rows: reviewRows,
      review_uri: reviewRows > 0 ? reviewFileUri : null,
      model_version: lease.version,
      metrics,
    },
  };
}
