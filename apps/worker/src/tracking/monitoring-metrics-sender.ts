import type { TrackingOutboxRepository } from '@shelfwise/db';
import type { MlflowClient } from '@shelfwise/mlflow-client';
import type { ClaimedEntry } from './claimed-entry';
import type { EntrySender } from './entry-sender';
import { TrackingDependencyError } from './tracking-dependency-error';
import { monitoringRunKey } from './tracking-keys';
import { monitoringMetricsPayload } from './tracking-payloads';
import { TrackingPermanentError } from './tracking-permanent-error';

/** Logs one inference job's figures to its model version's monitoring run, once that run exists. */
export class MonitoringMetricsSender implements EntrySender {
  constructor(private readonly deps: { client: MlflowClient; outbox: TrackingOutboxRepository }) {}

  async send(claimed: ClaimedEntry): Promise<void> {
    const figures = monitoringMetricsPayload.parse(claimed.entry.payload);
    const run = await this.deps.outbox.findByDedupeKey(monitoringRunKey(figures.modelVersionId));
    if (!run || run.status === 'FAILED') {
      throw new TrackingPermanentError(`model version ${figures.modelVersion} has no monitoring run`);
    }
    if (run.status !== 'SENT' || !run.mlflowRunId) {
      throw new TrackingDependencyError(
        `waiting for the monitoring run of model version ${figures.modelVersion}`,
      );
    }
    await this.deps.client.logBatch(run.mlflowRunId, { metrics: figures.metrics });
  }
}
