import { type Db, TrackingOutboxRepository, withTransaction } from '@shelfwise/db';
import type { JobTracking, MonitoringFigures } from './job-tracking';
import { labelSlug } from './metric-key';
import { monitoringMetricsKey, monitoringRunKey, trainingRunKey } from './tracking-keys';
import {
  type MonitoringMetricsPayload,
  type MonitoringRunPayload,
  type TrainingRunPayload,
  trainingRunPayload,
} from './tracking-payloads';

/**
 * Tracking on: the job path records outbox entries in MySQL (one transaction with the job's tracking
 * state) and nudges the dispatcher, which sends them in the background.
 */
export class OutboxTracking implements JobTracking {
  constructor(
    private readonly deps: {
      db: Db;
      /** Called after recording, e.g. to let the dispatcher try at once; it must not block. */
      onRecorded: () => void;
      now?: () => number;
    },
  ) {}

  async recordTraining(run: TrainingRunPayload): Promise<void> {
    await withTransaction(this.deps.db, async (tx) => {
      const outbox = new TrackingOutboxRepository(tx);
      const dedupeKey = trainingRunKey(run.jobId);
      const existing = await outbox.findByDedupeKey(dedupeKey);
      const modelVersionId = run.modelVersionId ?? undefined;
      if (!existing) {
        await outbox.recordOnce({
          kind: 'TRAINING_RUN',
          dedupeKey,
          jobId: run.jobId,
          modelVersionId,
          payload: run,
        });
      } else if (trainingRunPayload.parse(existing.payload).status !== 'FINISHED') {
        // A failed attempt's run is completed by the retry, in the same MLflow run (progress is kept).
        // A finished record is never replaced: its metric points may already be in MLflow, and a
        // re-trained attempt (same data and seed, same model) would only log them twice.
        await outbox.replacePayload(existing.id, run, modelVersionId);
      }
      await outbox.refreshJobTracking(run.jobId);
    });
    this.deps.onRecorded();
  }

  async recordMonitoring(figures: MonitoringFigures): Promise<void> {
    const at = this.deps.now?.() ?? Date.now();
    const run: MonitoringRunPayload = { v: 1, modelVersion: figures.modelVersion, startTime: at };
    const metrics: MonitoringMetricsPayload = {
      v: 1,
      jobId: figures.jobId,
      modelVersion: figures.modelVersion,
      modelVersionId: figures.modelVersionId,
      metrics: monitoringPoints(figures, at),
    };
    await withTransaction(this.deps.db, async (tx) => {
      const outbox = new TrackingOutboxRepository(tx);
      // One monitoring run per model version, created by whichever worker sends this entry first;
      // the dedupe key makes every later job's record of it a no-op.
      await outbox.recordOnce({
        kind: 'MONITORING_RUN',
        dedupeKey: monitoringRunKey(figures.modelVersionId),
        modelVersionId: figures.modelVersionId,
        payload: run,
      });
      await outbox.recordOnce({
        kind: 'MONITORING_METRICS',
        dedupeKey: monitoringMetricsKey(figures.jobId),
        jobId: figures.jobId,
        modelVersionId: figures.modelVersionId,
        payload: metrics,
      });
      await outbox.refreshJobTracking(figures.jobId);
    });
    this.deps.onRecorded();
  }
}

/** One point per figure; the step is the time in seconds, so MLflow charts quality over time. */
function monitoringPoints(figures: MonitoringFigures, at: number) {
  // A figure that is not known (null) is not logged: MLflow has no null, and 0 would read as a score.
  const values: Record<string, number | null> = {
    weighted_f1: figures.weightedF1,
    min_f1: figures.minF1,
    rows: figures.rows,
    labelled_rows: figures.labelledRows,
    seen_rows: figures.seenRows,
    unseen_rows: figures.seenRows === null ? null : figures.labelledRows - figures.seenRows,
    latency_per_row_ms: figures.latencyPerRowMs,
  };
  for (const [label, f1] of Object.entries(figures.perClassF1)) values[`f1_${labelSlug(label)}`] = f1;
  const step = Math.floor(at / 1000);
  return Object.entries(values).flatMap(([key, value]) =>
    value !== null && Number.isFinite(value) ? [{ key, value, step, timestamp: at }] : [],
  );
}
