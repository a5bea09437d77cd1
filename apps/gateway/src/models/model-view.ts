import type { ModelVersion } from '@shelfwise/db';

export interface ModelView {
  version: number;
  status: string;
  stage: string;
  artifact_uri: string;
  dataset_uri: string;
  dataset_hash: string;
  labels: unknown;
  metrics: unknown;
  mlflow_run_id: string | null;
  training_job_id: string | null;
  created_at: string;
  promoted_at: string | null;
}

/** A model version row as the API shows it. */
export function toModelView(model: ModelVersion): ModelView {
  return {
    version: model.version,
    status: model.status,
    stage: model.stage,
    artifact_uri: model.artifactUri,
    dataset_uri: model.datasetUri,
    dataset_hash: model.datasetHash,
    labels: model.labels,
    metrics: model.metrics,
    mlflow_run_id: model.mlflowRunId,
    training_job_id: model.trainingJobId,
    created_at: model.createdAt.toISOString(),
    promoted_at: model.promotedAt?.toISOString() ?? null,
  };
}
