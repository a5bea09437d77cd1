import type { Config } from '@shelfwise/config';
import { type Db, ModelVersionRepository, TrackingOutboxRepository } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { MlflowClient } from '@shelfwise/mlflow-client';
import type { ObjectStore } from '@shelfwise/storage';
import { DisabledTracking } from './disabled-tracking';
import type { JobTracking } from './job-tracking';
import { MlflowExperiment } from './mlflow-experiment';
import { MonitoringMetricsSender } from './monitoring-metrics-sender';
import { MonitoringRunSender } from './monitoring-run-sender';
import { OutboxDispatcher } from './outbox-dispatcher';
import { OutboxTracking } from './outbox-tracking';
import { ProductionAliasSender } from './production-alias-sender';
import { ProductionAliasWatcher } from './production-alias-watcher';
import { TrainingRunSender } from './training-run-sender';

export interface Tracking {
  /** What the job handlers record into. */
  jobs: JobTracking;
  /** The background dispatcher, when tracking is on. */
  dispatcher: OutboxDispatcher | undefined;
}

/**
 * MLflow tracking as configured: without MLFLOW_TRACKING_URI nothing is queued and no dispatcher runs;
 * with it, jobs record outbox entries and a dispatcher in this worker sends them.
 */
export function createTracking(deps: {
  config: Config['mlflow'];
  db: Db;
  store: ObjectStore;
  logger: Logger;
}): Tracking {
  const { config, db } = deps;
  const outbox = new TrackingOutboxRepository(db);
  if (!config.trackingUri) return { jobs: new DisabledTracking(outbox), dispatcher: undefined };

  const client = new MlflowClient({
    trackingUri: config.trackingUri,
    auth: config.auth,
    timeoutMs: config.timeoutMs,
    // The outbox is the retry: a client-level retry of a creation whose answer was lost would create
    // twice, whereas the next outbox attempt first looks for what the lost one made.
    retry: { maxRetries: 0 },
  });
  const experiment = new MlflowExperiment(client, config.experiment);
  const models = new ModelVersionRepository(db);
  const registeredModel = config.registeredModel;
  const watcher = new ProductionAliasWatcher({ models, outbox });
  const dispatcher = new OutboxDispatcher({
    outbox,
    senders: {
      TRAINING_RUN: new TrainingRunSender({
        client,
        experiment,
        store: deps.store,
        models,
        registeredModel,
        artifactTimeoutMs: config.artifactTimeoutMs,
      }),
      MONITORING_RUN: new MonitoringRunSender({ client, experiment }),
      MONITORING_METRICS: new MonitoringMetricsSender({ client, outbox }),
      PRODUCTION_ALIAS: new ProductionAliasSender({ client, models, outbox, registeredModel }),
    },
    beforePass: () => watcher.check(),
    intervalMs: config.outbox.intervalMs,
    batchSize: config.outbox.batchSize,
    maxAttempts: config.outbox.maxAttempts,
    maxBackoffMs: config.outbox.maxBackoffMs,
    // Longer than sending one entry can take: its requests, each bounded by a timeout, and its uploads.
    leaseMs: Math.max(5 * 60_000, 3 * config.artifactTimeoutMs + 50 * config.timeoutMs),
    logger: deps.logger.child({ component: 'tracking-outbox' }),
  });
  return { jobs: new OutboxTracking({ db, onRecorded: () => dispatcher.kick() }), dispatcher };
}
