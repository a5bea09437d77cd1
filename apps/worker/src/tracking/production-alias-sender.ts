import type { ModelVersionRepository, TrackingOutboxRepository } from '@shelfwise/db';
import type { MlflowClient } from '@shelfwise/mlflow-client';
import type { ClaimedEntry } from './claimed-entry';
import type { EntrySender } from './entry-sender';
import { TrackingDependencyError } from './tracking-dependency-error';
import { PRODUCTION_ALIAS } from './tracking-keys';
import { outboxProgress, productionAliasPayload } from './tracking-payloads';
import { TrackingPermanentError } from './tracking-permanent-error';

/**
 * Points the registered model's `production` alias at the MLflow version of the model version that
 * serves. Only while that promotion is still the current one: a later promotion (or a rollback) has an
 * entry of its own, and an old entry sent late must not move the alias back.
 */
export class ProductionAliasSender implements EntrySender {
  constructor(
    private readonly deps: {
      client: MlflowClient;
      models: ModelVersionRepository;
      outbox: TrackingOutboxRepository;
      registeredModel: string;
    },
  ) {}

  async send(claimed: ClaimedEntry): Promise<void> {
    const promotion = productionAliasPayload.parse(claimed.entry.payload);
    const serving = await this.deps.models.findServing();
    if (serving?.version !== promotion.version || serving.promotedAt?.getTime() !== promotion.promotedAt) {
      return;
    }
    // The training job may promote (or a user may) before its run is recorded: a missing entry is
    // waited for like an unsent one, and only attempts running out end this one. A training entry
    // that failed for good will never register the version.
    const training = await this.deps.outbox.findForModelVersion('TRAINING_RUN', serving.id);
    if (training?.status === 'FAILED') {
      throw new TrackingPermanentError(`model version ${promotion.version} has no MLflow model version`);
    }
    const registered = outboxProgress.parse(training?.progress ?? {}).registeredVersion;
    if (!registered) {
      throw new TrackingDependencyError(`model version ${promotion.version} is not registered in MLflow yet`);
    }
    await this.deps.client.setRegisteredModelAlias(this.deps.registeredModel, PRODUCTION_ALIAS, registered);
  }
}
