import type { MlflowClient, Run } from '@shelfwise/mlflow-client';
import type { ClaimedEntry } from './claimed-entry';
import type { MlflowExperiment } from './mlflow-experiment';

export interface RunSpec {
  /** The tag that names this run alone, e.g. the job id; it is how a lost creation is found again. */
  identity: { key: string; value: string };
  runName: string;
  startTime: number;
  tags?: Record<string, string>;
}

/**
 * The entry's MLflow run: the one saved in its progress, else the one carrying its identity tag (created
 * by an attempt whose answer was lost), else a new one. The run id is saved in MySQL before anything is
 * logged to it, so every later attempt logs to the same run.
 */
export async function ensureRun(
  claimed: ClaimedEntry,
  client: MlflowClient,
  experiment: MlflowExperiment,
  spec: RunSpec,
): Promise<{ runId: string; artifactUri: string }> {
  const { runId, artifactUri } = claimed.progress;
  if (runId && artifactUri) return { runId, artifactUri };
  const experimentId = await experiment.resolve();
  const run =
    (await findRunByTag(client, experimentId, spec.identity)) ??
    (await client.createRun({
      experimentId,
      runName: spec.runName,
      startTime: spec.startTime,
      tags: { ...spec.tags, [spec.identity.key]: spec.identity.value },
    }));
  await claimed.save({ runId: run.info.run_id, artifactUri: run.info.artifact_uri });
  return { runId: run.info.run_id, artifactUri: run.info.artifact_uri };
}

async function findRunByTag(
  client: MlflowClient,
  experimentId: string,
  tag: { key: string; value: string },
): Promise<Run | undefined> {
  const { runs } = await client.searchRuns({
    experimentIds: [experimentId],
    filter: `tags.\`${tag.key}\` = '${tag.value.replaceAll("'", "\\'")}'`,
    runViewType: 'ALL',
    maxResults: 100,
  });
  // Should two ever exist, every attempt picks the same one: the oldest.
  return runs.sort(
    (a, b) =>
      (a.info.start_time ?? 0) - (b.info.start_time ?? 0) || a.info.run_id.localeCompare(b.info.run_id),
  )[0];
}
