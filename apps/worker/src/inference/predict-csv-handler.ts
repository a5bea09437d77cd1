import { CONFIDENCE_COLUMN, HUMAN_LABEL_COLUMN, PREDICTED_COLUMN, TEXT_COLUMN } from '@shelfwise/classifier';
import {
  feedbackUri as feedbackUriOf,
  type JobPayload,
  type JobResult,
  reviewUri,
} from '@shelfwise/contracts';
import { clipText, readCsvBatches } from '@shelfwise/csv';
import type { FeedbackRepository, MonitoringRepository, ShadowScoreRepository } from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';
import { JobInputError } from '../errors/job-input-error';
import type { JobContext, JobOutcome } from '../job-context';
import type { RecordedHandler } from '../job-handlers';
import type { ModelCache, ModelLease } from '../model/model-cache';
import type { ShadowLease, ShadowModels } from '../model/shadow-models';
import type { JobTracking } from '../tracking/job-tracking';
import { counted } from './counting-stream';
import { FeedbackScorer, type VerifiedRow } from './feedback-scorer';
import { RowProblems } from './row-problems';
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
  const labelList = lease.predictor.labels;
  const knownLabels = new Set(labelList);
  const report = throttle(1_000, async () => {
    await context.progress(size > 0 ? Math.min(0.99, input.bytes / size) : 0);
    await context.checkCancelled();
  });

  let output: UploadSink | undefined;
  let feedback: UploadSink | undefined;
  let review: UploadSink | undefined;
  let reviewHeader: string[] = [];
  // The input columns the review file keeps: all but this job's own outputs.
  let reviewColumns: number[] = [];
  let reviewRows = 0;
  let textAt = -1;
  let verifiedAt = -1;
  let predictedAt = -1;
  let confidenceAt = -1;
  const problems = new RowProblems();
  let unknownLabels = false;
  const scorer = new FeedbackScorer(lease.predictor.manifest, shadows);
  let labelledRows = 0;
  let rows = 0;
  let predictMs = 0;

  const predictBatch = async (batch: string[][]) => {
    const started = performance.now();
    const predictions = await lease.predictor.predict(batch.map((fields) => fields[textAt] as string));
    predictMs += performance.now() - started;
    const verified: string[][] = [];
    const unsure: string[][] = [];
    const scored: VerifiedRow[] = [];
    for (let i = 0; i < batch.length; i++) {
      const fields = batch[i] as string[];
      const prediction = predictions[i];
      if (!prediction) throw new Error('the model returned fewer predictions than texts');
      const label = verifiedAt >= 0 ? (fields[verifiedAt] as string).trim() : '';
      // Judged on the figure the file shows, so the review file holds exactly the rows shown below it.
      const confidence = prediction.confidence.toFixed(6);
      if (label) {
        verified.push([fields[textAt] as string, label]);
        scored.push({ text: fields[textAt] as string, label, predicted: prediction.label });
      } else if (Number(confidence) < deps.reviewConfidence) {
        const row = reviewColumns.map((at) => fields[at] as string);
        if (verifiedAt < 0) row.push('');
        unsure.push(row);
      }
      // Replaces the columns of a predictions file sent back; appended otherwise.
      fields[predictedAt] = prediction.label;
      fields[confidenceAt] = confidence;
    }
    if (unsure.length > 0) {
      reviewRows += unsure.length;
      // Opened with the first unsure row: a job without any leaves no review object at all.
      review ??= new UploadSink(
        reviewHeader,
        (body) => deps.store.upload(reviewFileUri, body, 'text/csv', { signal }),
        { neutraliseFormulas: true },
      );
    }
    labelledRows += scored.length;
    await Promise.all([
      output?.write(batch),
      feedback?.write(verified),
      review?.write(unsure),
      scorer.add(scored),
    ]);
  };

  try {
    const batches = readCsvBatches(input, { required: [TEXT_COLUMN] }, ({ columns }) => {
      textAt = columns.indexOf(TEXT_COLUMN);
      verifiedAt = columns.indexOf(HUMAN_LABEL_COLUMN);
      const header = [...columns];
      predictedAt = columnOf(header, PREDICTED_COLUMN);
      confidenceAt = columnOf(header, CONFIDENCE_COLUMN);
      reviewColumns = columns.flatMap((_, at) => (at === predictedAt || at === confidenceAt ? [] : [at]));
      reviewHeader = reviewColumns.map((at) => columns[at] as string);
      if (verifiedAt < 0) reviewHeader.push(HUMAN_LABEL_COLUMN);
      // Predictions (and the review file) are opened in spreadsheets: cells that would start a formula are
      // made text.
      output = new UploadSink(header, (body) => deps.store.upload(outputUri, body, 'text/csv', { signal }), {
        neutraliseFormulas: true,
      });
      if (verifiedAt >= 0) {
        // The feedback copy keeps the raw text: it is training data, read only by our own CSV reader, and an
        // apostrophe added here would become part of the text the next model learns from.
        feedback = new UploadSink([TEXT_COLUMN, HUMAN_LABEL_COLUMN], (body) =>
          deps.store.upload(feedbackUri, body, 'text/csv', { signal }),
        );
      }
    });
    let pending: string[][] = [];
    for await (const batch of batches) {
      for (const fields of batch) {
        rows++;
        if (!(fields[textAt] as string).trim()) problems.add(rows, `empty ${TEXT_COLUMN}`);
        const verified = verifiedAt >= 0 ? (fields[verifiedAt] as string).trim() : '';
        if (verified && !knownLabels.has(verified)) {
          unknownLabels = true;
          problems.add(rows, `unknown ${HUMAN_LABEL_COLUMN} "${clipText(verified)}"`);
        }
        // After the first invalid row there is no point predicting; keep reading to name every bad row.
        if (problems.count === 0) pending.push(fields);
      }
      if (problems.count > 0) continue;
      while (pending.length >= deps.batchSize) {
        await predictBatch(pending.slice(0, deps.batchSize));
        pending = pending.slice(deps.batchSize);
      }
      await report();
    }
    if (!output) throw new JobInputError('INVALID_CSV', `${payload.inputUri} is empty (no header)`);
    if (rows === 0) throw new JobInputError('INVALID_CSV', `${payload.inputUri} has a header but no rows`);
    if (problems.count > 0) {
      throw new JobInputError(
        unknownLabels ? 'UNKNOWN_LABEL' : 'INVALID_CSV',
        `${payload.inputUri}: ${problems.summary()} (known labels: ${labelList.join(', ')})`,
      );
    }
    if (pending.length > 0) await predictBatch(pending);
    // Completing the uploads commits the outputs: only while this run holds the job.
    await context.confirmOwnership();
    await Promise.all([output.finish(), feedback?.finish(), review?.finish()]);
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    output?.abort(reason);
    feedback?.abort(reason);
    review?.abort(reason);
    throw error;
  }

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

/** Where `column` goes in the output header: its place when the input has it already, else a new last one. */
function columnOf(header: string[], column: string): number {
  const at = header.indexOf(column);
  if (at >= 0) return at;
  header.push(column);
  return header.length - 1;
}
