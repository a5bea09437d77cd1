import type { MonitoringPoint as Point } from '@shelfwise/contracts';
import type { MonitoringPoint } from '@shelfwise/db';

/** A monitoring row as the API shows it: the model version by number, figures in snake_case. */
export function toMonitoringPoint(row: MonitoringPoint): Point {
  return {
    job_id: row.jobId,
    model_version: row.modelVersion.version,
    weighted_f1: row.weightedF1,
    min_f1: row.minF1,
    per_class_f1: row.perClassF1,
    rows: row.rows,
    labelled_rows: row.labelledRows,
    seen_rows: row.seenRows,
    unseen_rows: row.seenRows === null ? null : row.labelledRows - row.seenRows,
    shadow: row.job.shadowScores.map((score) => ({
      model_version: score.modelVersion.version,
      weighted_f1: score.weightedF1,
      min_f1: score.minF1,
      scored_rows: score.scoredRows,
      seen_rows: score.seenRows,
    })),
    latency_per_row_ms: row.latencyPerRowMs,
    created_at: row.createdAt.toISOString(),
  };
}
