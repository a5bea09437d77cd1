import type { MlflowClient } from '@shelfwise/mlflow-client';
import type { ClaimedEntry } from './claimed-entry';
import { ensureRun } from './ensure-run';
import type { EntrySender } from './entry-sender';
import type { MlflowExperiment } from './mlflow-experiment';
import { RUN_TAGS } from './tracking-keys';
import { monitoringRunPayload } from './tracking-payloads';

/**
 * Creates the monitoring run of a model version (`monitoring-v<version>`), once: it is its own outbox
 * entry with a per-version dedupe key, so only the one dispatcher holding that entry can create it.
 * The run stays RUNNING: it is a time series that grows with every labelled inference job.
 */
export class MonitoringRunSender implements EntrySender {
  constructor(private readonly deps: { client: MlflowClient; experiment: MlflowExperiment }) {}

  async send(claimed: ClaimedEntry): Promise<void> {
    const run = monitoringRunPayload.parse(claimed.entry.payload);
    const version = String(run.modelVersion);
    await ensureRun(claimed, this.deps.client, this.deps.experiment, {
      identity: { key: RUN_TAGS.monitoringOf, value: version },
      runName: `monitoring-v${version}`,
      startTime: run.startTime,
      tags: { [RUN_TAGS.kind]: 'monitoring', [RUN_TAGS.modelVersion]: version },
    });
  }
}
