import { type ModelView, promotionRecord } from '@shelfwise/contracts';
import type { ModelVersion } from '@shelfwise/db';

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
    // Written by workers in the contract's shape; a row that does not parse shows as no decision.
    promotion: promotionRecord.safeParse(model.promotion).data ?? null,
  };
}
