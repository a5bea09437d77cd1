import type { TrainingRunPayload } from './tracking-payloads';

/** The model-quality figures of one inference job that carried human-verified labels. */
export interface MonitoringFigures {
  jobId: string;
  modelVersionId: number;
  modelVersion: number;
  /** Over the labelled rows the model did not train on; null when it trained on all of them. */
  weightedF1: number | null;
  minF1: number | null;
  perClassF1: Record<string, number>;
  rows: number;
  labelledRows: number;
  /** Labelled rows it trained on (left out of the F1); null when its manifest does not say. */
  seenRows: number | null;
  latencyPerRowMs: number;
}

/**
 * What the job path hands to tracking. It only writes MySQL (never waits on MLflow), so a job succeeds
 * whatever state MLflow is in; the job row's `tracking` column says whether the figures got there.
 */
export interface JobTracking {
  /** The training job's run, once per attempt that ends; the first finished record of a job wins. */
  recordTraining(run: TrainingRunPayload): Promise<void>;
  recordMonitoring(figures: MonitoringFigures): Promise<void>;
}
