import { MlflowApiError, type MlflowClient } from '@shelfwise/mlflow-client';
import type { ClaimedEntry } from './claimed-entry';

// How far back (by creation time) a retry looks for the version its lost creation may have made;
// generous, since the worker's and MLflow's clocks may differ.
const LOOK_BACK_MS = 10 * 60_000;
const MAX_VERSIONS_SCANNED = 200;

/**
 * Registers the run's model as a new version of `name`, exactly once per entry. createModelVersion is
 * the one call MLflow does not make idempotent: the start of the attempt is saved first, and a retry
 * looks for a version of this run created since then before making another.
 */
export async function registerModelVersion(
  claimed: ClaimedEntry,
  client: MlflowClient,
  input: { name: string; runId: string; source: string; tags: Record<string, string> },
): Promise<string> {
  const saved = claimed.progress.registeredVersion;
  if (saved) return saved;
  await createRegisteredModelOnce(client, input.name);
  const startedAt = claimed.progress.registrationStartedAt;
  const earlier = startedAt === undefined ? undefined : await findVersionOfRun(client, input, startedAt);
  if (earlier) {
    await claimed.save({ registeredVersion: earlier });
    return earlier;
  }
  await claimed.save({ registrationStartedAt: Date.now() });
  const created = await client.createModelVersion(input);
  await claimed.save({ registeredVersion: created.version });
  return created.version;
}

async function createRegisteredModelOnce(client: MlflowClient, name: string): Promise<void> {
  try {
    await client.createRegisteredModel(name, { description: 'shelfwise product classifier' });
  } catch (error) {
    if (!(error instanceof MlflowApiError && error.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw error;
  }
}

async function findVersionOfRun(
  client: MlflowClient,
  input: { name: string; runId: string },
  startedAt: number,
): Promise<string | undefined> {
  const model = await client.getRegisteredModel(input.name);
  const newest = Math.max(0, ...model.latest_versions.map((version) => Number(version.version)));
  for (let number = newest; number > 0 && number > newest - MAX_VERSIONS_SCANNED; number--) {
    const version = await client.getModelVersion(input.name, number).catch((error: unknown) => {
      // A deleted version leaves a gap in the numbers.
      if (error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    });
    if (!version) continue;
    if (version.run_id === input.runId) return version.version;
    if ((version.creation_timestamp ?? 0) < startedAt - LOOK_BACK_MS) return undefined;
  }
  return undefined;
}
