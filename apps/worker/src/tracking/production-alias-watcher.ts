import type { ModelVersionRepository, TrackingOutboxRepository } from '@shelfwise/db';
import { productionAliasKey } from './tracking-keys';
import type { ProductionAliasPayload } from './tracking-payloads';

/**
 * Notices which model version serves and records an outbox entry to move MLflow's `production` alias
 * to it. Why here and not at the promotion itself: a version is promoted by training (worker) or by
 * hand through the gateway, which stays thin and must not know MLflow. MySQL is the source of truth
 * for "which version serves", so the workers watch it: every promotion, whoever made it, moves the
 * alias. Every worker watches; the dedupe key (version row + promotion time) makes one entry of each
 * promotion, and a worker started later records nothing new.
 */
export class ProductionAliasWatcher {
  private seen: string | undefined;

  constructor(private readonly deps: { models: ModelVersionRepository; outbox: TrackingOutboxRepository }) {}

  async check(): Promise<void> {
    const serving = await this.deps.models.findServing();
    if (!serving?.promotedAt) return;
    const dedupeKey = productionAliasKey(serving.id, serving.promotedAt);
    if (dedupeKey === this.seen) return;
    const payload: ProductionAliasPayload = {
      v: 1,
      version: serving.version,
      promotedAt: serving.promotedAt.getTime(),
    };
    await this.deps.outbox.recordOnce({
      kind: 'PRODUCTION_ALIAS',
      dedupeKey,
      modelVersionId: serving.id,
      payload,
    });
    this.seen = dedupeKey;
  }
}
