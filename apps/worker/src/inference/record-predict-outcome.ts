import type { PredictCounts } from '@shelfwise/classifier';
import type { JobResult } from '@shelfwise/contracts';
import type { FeedbackRepository, MonitoringRepository, ShadowScoreRepository } from '@shelfwise/db';
import type { JobContext, JobOutcome } from '../job-context';
import type { JobTracking } from '../tracking/job-tracking';
import type { FeedbackScores } from './feedback-scorer';

type Result = JobResult<'predict-csv'>;

export interface PredictOutcomeDependencies {
  monitoring: MonitoringRepository;
  shadowScores: ShadowScoreRepository;
  feedback: FeedbackRepository;
  tracking: JobTracking;
}

export interface PredictedFile {
  counts: PredictCounts;
  /** The scores over the labelled rows; null without any. */
  scores: FeedbackScores | null;
  model: { modelVersionId: number; version: number };
  uris: { output: string; feedback: string; review: string };
}

/**
 * What a predict job records once its outputs are written, whether one worker predicted the file or its
 * chunks were spread over many: the feedback batch, one monitoring point and the shadow scores (upserts, so
 * a job finished twice records once), the figures sent to MLflow, and the job's result.
 */
export async function recordPredictOutcome(
  deps: PredictOutcomeDependencies,
  context: JobContext,
  file: PredictedFile,
): Promise<JobOutcome<Result>> {
  const { rows, labelledRows, reviewRows, predictMs } = file.counts;
  const { model, uris } = file;
  let metrics: Result['metrics'] = null;
  if (file.scores) {
    const { serving, shadows: shadowScores, failed } = file.scores;
    for (const { version, error } of failed)
      context.logger.warn(
        { reason: error, shadowVersion: version },
        'shadow version could not predict; not scored',
      );
    metrics = {
      weighted_f1: serving.weightedF1,
      min_f1: serving.minF1,
      seen_rows: serving.seenRows,
      unseen_rows: serving.seenRows === null ? null : serving.scoredRows,
    };
    await deps.feedback.record({ jobId: context.jobId, s3Uri: uris.feedback, rows: labelledRows });
    const figures = {
      jobId: context.jobId,
      modelVersionId: model.modelVersionId,
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
        modelVersionId: shadow.modelVersionId,
        weightedF1: shadow.weightedF1,
        minF1: shadow.minF1,
        scoredRows: shadow.scoredRows,
        seenRows: shadow.seenRows,
      });
    }
    await deps.tracking.recordMonitoring({ ...figures, modelVersion: model.version });
  }
  // The job's logger already carries modelVersion (bound by useModelVersion).
  context.logger.info({ rows, labelledRows, reviewRows, ...metrics }, 'predictions written');
  return {
    outputUri: uris.output,
    modelVersionId: model.modelVersionId,
    result: {
      output_uri: uris.output,
      rows,
      labelled_rows: labelledRows,
      feedback_uri: labelledRows > 0 ? uris.feedback : null,
      review_rows: reviewRows,
      review_uri: reviewRows > 0 ? uris.review : null,
      model_version: model.version,
      metrics,
    },
  };
}
