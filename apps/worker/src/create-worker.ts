import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { loadModel } from '@shelfwise/classifier';
import type { Config } from '@shelfwise/config';
import { feedbackPrefixUri, reviewPrefixUri } from '@shelfwise/contracts';
import {
  FeedbackRepository,
  isConnectionFailure,
  JobRepository,
  ModelVersionRepository,
  MonitoringRepository,
  PredictChunkRepository,
  ShadowScoreRepository,
} from '@shelfwise/db';
import type { Infrastructure, RedisConnection } from '@shelfwise/infrastructure';
import { healthRoutes } from '@shelfwise/lifecycle';
import type { Logger } from '@shelfwise/logger';
import { metricsRoute, type Registry, WorkerMetrics } from '@shelfwise/metrics';
import { ModelArtifactStore } from '@shelfwise/model-store';
import { JobProducer, RecordedJobQueue } from '@shelfwise/queue';
import { isStorageUnreachable } from '@shelfwise/storage';
import type { Worker as Consumer } from 'bullmq';
import express from 'express';
import { lockDurationOf, startConsumers } from './consumers';
import { type Dependency, DependencyOutageGuard, outageOf } from './dependency-outage-guard';
import { ChunkParts } from './inference/chunks/chunk-parts';
import { ChunkedPredict } from './inference/chunks/chunked-predict';
import { predictChunkHandler } from './inference/chunks/predict-chunk-handler';
import { predictCsvHandler } from './inference/predict-csv-handler';
import { handlerTable } from './job-handlers';
import { JobRunner } from './job-runner';
import { type LoadPredictor, ModelCache } from './model/model-cache';
import { ShadowModels } from './model/shadow-models';
import { predictOnlineHandler } from './online/predict-online-handler';
import { Reconciler } from './reconciler';
import { RunningJobs } from './run/running-jobs';
import { createTracking } from './tracking/create-tracking';
import { retrainCheckHandler } from './training/retrain-check-handler';
import { scheduleRetraining } from './training/schedule-retraining';
import { trainHandler } from './training/train-handler';

export interface WorkerDependencies {
  config: Config;
  logger: Logger;
  /** MySQL, S3 and the fail-fast Redis client, with their readiness checks. */
  infrastructure: Infrastructure;
  /** The connection consumers and the producer share: it must retry for ever (BullMQ's rule for workers). */
  connection: RedisConnection;
  /** The process's metrics registry, served at GET /metrics on `config.worker.port`. */
  registry: Registry;
}

export interface ShelfwiseWorker {
  /** Listens on the probe port, loads the serving model, starts consuming, reconciling and scheduling. */
  start(): Promise<{ port: number }>;
  /** Takes no new jobs, waits for running ones, then closes what this worker opened (not `infrastructure`). */
  stop(): Promise<void>;
  /** Stops the running jobs at once (streams closed, uploads aborted): another worker takes them over. */
  abortRunning(error: Error): void;
  readonly runner: JobRunner;
  readonly models: ModelCache;
}

/**
 * The worker's composition root: every part built from its dependencies, nothing started. `main.ts` only
 * reads config, builds the infrastructure and wires shutdown; tests build a worker in-process the same way.
 */
export function createWorker(deps: WorkerDependencies): ShelfwiseWorker {
  const { config, logger, infrastructure, connection } = deps;
  const { db, store } = infrastructure;
  const producer = new JobProducer({
    connection,
    prefix: config.queuePrefix,
    attempts: config.jobs.attempts,
    backoffMs: config.jobs.backoffMs,
  });
  const jobs = new JobRepository(db);
  const modelVersions = new ModelVersionRepository(db);
  const feedback = new FeedbackRepository(db);
  const tracking = createTracking({ config: config.mlflow, db, store, logger });
  const artifacts = new ModelArtifactStore(store, config.s3.buckets.models);
  const metrics = new WorkerMetrics(deps.registry);
  const { device, threads } = config.inference;
  // 0 threads: the option is left out, onnxruntime chooses.
  const load: LoadPredictor = (model) => loadModel({ ...model, device, intraOpNumThreads: threads });
  const models = new ModelCache({ models: modelVersions, artifacts, load, logger, metrics });
  const shadows = new ShadowModels({
    models: modelVersions,
    artifacts,
    load,
    logger,
    maxVersions: config.training.shadowMaxVersions,
  });
  const chunks = new PredictChunkRepository(db);
  const chunkParts = new ChunkParts(store, chunks, config.s3.buckets.inference);
  const outcomes = {
    monitoring: new MonitoringRepository(db),
    shadowScores: new ShadowScoreRepository(db),
    feedback,
    tracking: tracking.jobs,
  };
  const handlers = handlerTable(
    [
      {
        name: 'predict-csv',
        handler: predictCsvHandler({
          ...outcomes,
          store,
          models,
          shadows,
          buckets: config.s3.buckets,
          batchSize: config.inference.batchSize,
          reviewConfidence: config.inference.reviewConfidence,
          chunked: new ChunkedPredict({
            ...outcomes,
            store,
            models,
            chunks,
            parts: chunkParts,
            buckets: config.s3.buckets,
            rowsPerChunk: config.inference.chunkRows,
          }),
        }),
      },
      {
        name: 'predict-chunk',
        handler: predictChunkHandler({
          store,
          models,
          shadows,
          chunks,
          jobs,
          inferenceBucket: config.s3.buckets.inference,
          batchSize: config.inference.batchSize,
          reviewConfidence: config.inference.reviewConfidence,
          logger,
        }),
      },
      { name: 'online', handler: predictOnlineHandler(models) },
      {
        name: 'train',
        handler: trainHandler({
          db,
          store,
          models,
          artifacts,
          autoPromote: config.training.autoPromote,
          promotionMinRows: config.training.promotionMinRows,
          load,
          seed: 42,
          tracking: tracking.jobs,
          feedback: {
            prefix: feedbackPrefixUri(config.s3.buckets.dataset),
            inOrder: () => feedback.capturedInOrder(),
          },
          skipPrefixes: [reviewPrefixUri(config.s3.buckets.dataset)],
        }),
      },
      {
        name: 'retrain-check',
        handler: retrainCheckHandler({
          models: modelVersions,
          feedback,
          queue: new RecordedJobQueue(jobs, producer),
          sourceUri: `s3://${config.s3.buckets.dataset}/`,
          minRows: config.training.retrainMinRows,
          epochs: config.training.retrainEpochs,
          logger,
        }),
      },
    ],
    config.worker.queues,
  );

  // The runs this process's slots hold: /healthz reports a queue whose every slot is stuck.
  const running = new RunningJobs(
    Object.fromEntries(config.worker.queues.map((queue) => [queue, config.worker.concurrency[queue]])),
  );
  // Workers take no traffic; this port only serves probes (and metrics).
  const probes = express()
    .use(healthRoutes(infrastructure.readiness, () => running.liveness()))
    .use(metricsRoute(metrics.registry));
  // An outage of MySQL or S3 pauses the consumers and puts the job back instead of failing it (attempt not counted).
  const dependencies: Dependency[] = [
    {
      name: 'MySQL',
      isOutage: isConnectionFailure,
      probe: () => db.$queryRaw`SELECT 1`,
      retryMs: config.worker.databaseRetryMs,
    },
    {
      name: 'S3',
      isOutage: isStorageUnreachable,
      probe: () => store.ping(),
      retryMs: config.worker.storageRetryMs,
    },
  ];
  const runner = new JobRunner({
    handlers,
    jobs,
    logger,
    metrics,
    leaseMs: (queue) => lockDurationOf(queue, config.worker.lockMs),
    stallTimeoutMs: config.worker.stallTimeoutMs,
    isOutage: (error) => outageOf(dependencies, error) !== undefined,
    running,
    producer,
  });
  const guard = new DependencyOutageGuard(runner, dependencies, logger);
  // Re-enqueues the jobs MySQL still owes an outcome whenever Redis may have lost them.
  const reconciler = new Reconciler({
    jobs,
    models: modelVersions,
    chunkParts,
    artifacts,
    store,
    producer,
    logger,
    ...config.worker.reconcile,
  });
  let server: ReturnType<typeof probes.listen> | undefined;
  let consumers: Consumer[] = [];

  return {
    runner,
    models,
    async start() {
      consumers = startConsumers({
        queues: config.worker.queues,
        concurrency: config.worker.concurrency,
        connection,
        prefix: config.queuePrefix,
        runner: guard,
        logger,
        lockMs: config.worker.lockMs,
        stalledIntervalMs: config.worker.stalledIntervalMs,
      });
      guard.watch(consumers);
      server = probes.listen(config.worker.port);
      await once(server, 'listening');
      await infrastructure.settle();
      await models
        .start(config.inference.modelPollMs)
        .catch((error: unknown) => logger.warn({ err: error }, 'could not load the serving model yet'));
      tracking.dispatcher?.start();
      reconciler.start(connection);
      if (config.worker.queues.includes('training')) {
        await scheduleRetraining(producer, config.training.retrainCron, logger);
      }
      const readiness = await infrastructure.readiness();
      const { port } = server.address() as AddressInfo;
      logger.info(
        {
          port,
          queues: config.worker.queues,
          modelVersion: models.servingVersion() ?? null,
          tracking: tracking.dispatcher ? 'mlflow' : 'disabled',
          ready: readiness.ok,
          checks: readiness.checks,
        },
        'worker started',
      );
      return { port };
    },
    async stop() {
      guard.stop();
      await reconciler.stop();
      // close() waits for running jobs and takes no new ones; the grace timer bounds it.
      await Promise.all(consumers.map((consumer) => consumer.close()));
      // After the consumers: jobs finishing during shutdown still record their entries (sent later).
      await tracking.dispatcher?.stop();
      await models.stop();
      shadows.stop();
      await producer.close();
      const listening = server;
      if (listening) await new Promise<void>((resolve) => listening.close(() => resolve()));
    },
    abortRunning: (error) => running.stopAll(error),
  };
}
