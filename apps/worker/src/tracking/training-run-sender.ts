import type { ModelVersionRepository } from '@shelfwise/db';
import type { MlflowClient } from '@shelfwise/mlflow-client';
import type { ObjectStore } from '@shelfwise/storage';
import type { ClaimedEntry } from './claimed-entry';
import { ensureRun } from './ensure-run';
import type { EntrySender } from './entry-sender';
import type { MlflowExperiment } from './mlflow-experiment';
import { registerModelVersion } from './register-model-version';
import { s3ArtifactBody } from './s3-artifact-body';
import { RUN_TAGS } from './tracking-keys';
import { trainingRunPayload } from './tracking-payloads';

export interface TrainingRunSenderDependencies {
  client: MlflowClient;
  experiment: MlflowExperiment;
  store: ObjectStore;
  models: ModelVersionRepository;
  registeredModel: string;
  artifactTimeoutMs: number;
}

/**
 * A training job's run: created once, then params, tags and per-epoch metrics (fixed timestamps, so a
 * replay adds nothing), artifacts (each uploaded once, model.onnx streamed from S3), the end status,
 * and for a finished job a registered model version pointing at the run's `model/` artifacts.
 */
export class TrainingRunSender implements EntrySender {
  constructor(private readonly deps: TrainingRunSenderDependencies) {}

  async send(claimed: ClaimedEntry): Promise<void> {
    const { client } = this.deps;
    const run = trainingRunPayload.parse(claimed.entry.payload);
    const { runId, artifactUri } = await ensureRun(claimed, client, this.deps.experiment, {
      identity: { key: RUN_TAGS.jobId, value: run.jobId },
      runName: run.runName,
      startTime: run.startTime,
      tags: run.tags,
    });
    if (run.modelVersion !== null) await this.deps.models.setMlflowRunId(run.modelVersion, runId);
    await client.logBatch(runId, { params: run.params, tags: run.tags, metrics: run.metrics });
    for (const artifact of run.artifacts) {
      const uploaded = claimed.progress.uploaded ?? [];
      if (uploaded.includes(artifact.path)) continue;
      const body = artifact.s3Uri ? s3ArtifactBody(this.deps.store, artifact.s3Uri) : (artifact.text ?? '');
      await client.uploadArtifact(artifactUri, artifact.path, body, {
        contentType: artifact.contentType,
        timeoutMs: this.deps.artifactTimeoutMs,
      });
      await claimed.save({ uploaded: [...uploaded, artifact.path] });
    }
    // updateRun rather than endRun: a run first recorded by a failed attempt also gets its final name.
    await client.updateRun(runId, { status: run.status, endTime: run.endTime, runName: run.runName });
    if (run.status === 'FINISHED' && run.modelVersion !== null) {
      await registerModelVersion(claimed, client, {
        name: this.deps.registeredModel,
        runId,
        source: `${artifactUri}/model`,
        tags: { [RUN_TAGS.jobId]: run.jobId, [RUN_TAGS.modelVersion]: String(run.modelVersion) },
      });
    }
  }
}
