import { type Db, JobRepository } from '@shelfwise/db';
import { healthRoutes, type Readiness } from '@shelfwise/lifecycle';
import type { Logger } from '@shelfwise/logger';
import type { JobProducer } from '@shelfwise/queue';
import type { ObjectStore } from '@shelfwise/storage';
import type { QueueEvents } from 'bullmq';
import express, { type Express } from 'express';
import { NotFoundError } from './errors/not-found-error';
import { errorHandler } from './http/error-handler';
import { jsonBody } from './http/json-body';
import { JobCanceller } from './jobs/job-canceller';
import { JobSubmitter } from './jobs/job-submitter';
import { ModelRegistry } from './models/model-registry';
import { OnlinePredictor } from './predict/online-predictor';
import { ADMIN_QUEUES_PATH, adminRoutes } from './routes/admin-routes';
import { jobRoutes } from './routes/job-routes';
import { modelRoutes } from './routes/model-routes';
import { predictRoutes } from './routes/predict-routes';
import { submitRoutes } from './routes/submit-routes';

export interface GatewayDependencies {
  readiness(): Promise<Readiness>;
  logger: Logger;
  db: Db;
  store: ObjectStore;
  producer: JobProducer;
  /** Events of the online queue, made once at start-up: every synchronous prediction waits on it. */
  onlineEvents: QueueEvents;
  predictTimeoutMs: number;
  /** How long a submit waits for Redis to take the job before answering 503 (default 5 s). */
  enqueueTimeoutMs?: number;
}

/** The HTTP surface. Dependencies come in as parameters, so tests build it against real services. */
export function createApp(deps: GatewayDependencies): Express {
  const { logger, producer } = deps;
  const jobs = new JobRepository(deps.db);
  const submitter = new JobSubmitter(jobs, deps.store, producer, logger, {
    enqueueTimeoutMs: deps.enqueueTimeoutMs ?? 5_000,
  });
  const app = express();
  app.disable('x-powered-by');
  app.use(healthRoutes(deps.readiness));
  app.use(ADMIN_QUEUES_PATH, adminRoutes(producer.allQueues()));
  app.use('/v1', jsonBody('1mb'));
  app.use(submitRoutes(submitter));
  app.use(jobRoutes(jobs, new JobCanceller(jobs, producer, logger)));
  app.use(modelRoutes(new ModelRegistry(deps.db)));
  app.use(predictRoutes(new OnlinePredictor(producer, deps.onlineEvents, deps.predictTimeoutMs, logger)));
  app.use((req) => {
    throw new NotFoundError(`no route for ${req.method} ${req.path}`);
  });
  app.use(errorHandler(logger));
  return app;
}
