import type { RequestListener } from 'node:http';
import {
  ApiKeyRepository,
  type Db,
  InputGrantRepository,
  JobRepository,
  MonitoringRepository,
} from '@shelfwise/db';
import { healthRoutes, type Readiness } from '@shelfwise/lifecycle';
import type { Logger } from '@shelfwise/logger';
import { metricsRoute } from '@shelfwise/metrics';
import type { JobProducer } from '@shelfwise/queue';
import type { ObjectStore } from '@shelfwise/storage';
import type { QueueEvents } from 'bullmq';
import express, { type Express } from 'express';
import { authenticate } from './auth/authenticate';
import { Authenticator } from './auth/authenticator';
import { MinuteCounter } from './auth/minute-counter';
import { rateLimit } from './auth/rate-limit';
import { RateLimiter } from './auth/rate-limiter';
import { requireAdmin } from './auth/require-admin';
import { NotFoundError } from './errors/not-found-error';
import { errorHandler } from './http/error-handler';
import { JSON_BODY_LIMIT_BYTES, jsonBody } from './http/json-body';
import { requestMetrics } from './http/request-metrics';
import { SecurityHeaders } from './http/security-headers';
import { JobCanceller } from './jobs/job-canceller';
import { JobSubmitter } from './jobs/job-submitter';
import { createGatewayMetrics, type GatewayMetricsOptions } from './metrics/create-gateway-metrics';
import { ModelRegistry } from './models/model-registry';
import { openApiDocument } from './openapi/openapi-document';
import { API_INFO, OPERATIONS } from './openapi/operations';
import { type OnlineBatching, OnlinePredictor } from './predict/online-predictor';
import { PredictEndpoint } from './predict/predict-endpoint';
import { ADMIN_QUEUES_PATH, adminRoutes } from './routes/admin-routes';
import { consoleRoutes } from './routes/console-routes';
import { docsRoutes } from './routes/docs-routes';
import { jobRoutes } from './routes/job-routes';
import { modelRoutes } from './routes/model-routes';
import { monitoringRoutes } from './routes/monitoring-routes';
import { outputRoutes } from './routes/output-routes';
import { submitRoutes } from './routes/submit-routes';
import { uploadRoutes } from './routes/upload-routes';
import { InputAccess } from './tenancy/input-access';
import { CsvUploader } from './uploads/csv-uploader';

export interface GatewayDependencies {
  readiness(): Promise<Readiness>;
  logger: Logger;
  /** The process's metrics registry (served at `/metrics`) and the alert threshold it exports. */
  metrics: GatewayMetricsOptions;
  db: Db;
  store: ObjectStore;
  producer: JobProducer;
  /** Events of the online queue, made once at start-up: every synchronous prediction waits on it. */
  onlineEvents: QueueEvents;
  predictTimeoutMs: number;
  /** Micro-batching of POST /v1/predict (default: 256 texts or 1 ms). */
  predictBatch?: OnlineBatching;
  /** How long a submit waits for Redis to take the job before answering 503 (default 5 s). */
  enqueueTimeoutMs?: number;
  /** Where `POST /v1/uploads` stores files: the dataset bucket. */
  datasetBucket: string;
  /** The largest upload accepted (default 200 MB). */
  maxUploadBytes?: number;
  /** Keys accepted as admin besides those in MySQL: ADMIN_API_KEY and the development key. */
  adminKeys: string[];
  /** Requests per key per minute, counted in the producer's Redis; undefined: no limit. */
  rateLimitPerMinute?: number | undefined;
  /** Lookups of keys not lately seen valid, per client address per minute (Redis); undefined: no limit. */
  unknownKeysPerMinute?: number | undefined;
  /** Reverse proxies in front whose X-Forwarded-For names the client address (default 0: none trusted). */
  trustProxyHops?: number | undefined;
  /** `bucket/prefix` entries submitted inputs must fall under; undefined: the whole buckets. */
  s3AllowedPrefixes?: string[] | undefined;
}

/** The HTTP surface: what the server runs for each request, and the Express app that serves most of them. */
export interface Gateway {
  /** The node:http request listener: POST /v1/predict directly, everything else through Express. */
  handle: RequestListener;
  app: Express;
  /** `METHOD /path` of the routes served before Express (the OpenAPI document covers them too). */
  directRoutes: string[];
}

/** The HTTP surface. Dependencies come in as parameters, so tests build it against real services. */
export function createApp(deps: GatewayDependencies): Gateway {
  const { logger, producer } = deps;
  const jobs = new JobRepository(deps.db);
  const access = new InputAccess(jobs, new InputGrantRepository(deps.db), deps.datasetBucket);
  const submitter = new JobSubmitter(jobs, deps.store, producer, access, logger, {
    enqueueTimeoutMs: deps.enqueueTimeoutMs ?? 5_000,
    allowedPrefixes: deps.s3AllowedPrefixes,
  });
  const app = express();
  app.disable('x-powered-by');
  // req.ip: the socket's address, or with proxies in front the address their X-Forwarded-For entries name.
  app.set('trust proxy', deps.trustProxyHops ? deps.trustProxyHops : false);
  const metrics = createGatewayMetrics(deps.metrics, producer.allQueues(), deps.db);
  const headers = new SecurityHeaders(ADMIN_QUEUES_PATH);
  const counter = new MinuteCounter(producer.redis);
  const authenticator = new Authenticator({
    keys: new ApiKeyRepository(deps.db),
    adminKeys: deps.adminKeys,
    logger,
    metrics,
    unknownKeys:
      deps.unknownKeysPerMinute === undefined
        ? undefined
        : { counter, prefix: producer.prefix, perMinute: deps.unknownKeysPerMinute },
  });
  const rateLimiter =
    deps.rateLimitPerMinute === undefined
      ? undefined
      : new RateLimiter({ counter, prefix: producer.prefix, perMinute: deps.rateLimitPerMinute }, logger);
  // First, so every request is timed, whatever answers it.
  app.use(requestMetrics(metrics));
  app.use(headers.middleware());
  // Open without a key: probes, Prometheus' scrape, the API's description, the console's static files.
  app.use(metricsRoute(deps.metrics.registry));
  app.use(healthRoutes(deps.readiness));
  app.use(docsRoutes(openApiDocument(OPERATIONS, API_INFO)));
  app.use(consoleRoutes());
  // Everything below needs a key; the rate limit counts per key, so it comes after authentication.
  app.use(authenticate(authenticator));
  if (rateLimiter) app.use(rateLimit(rateLimiter));
  app.use(ADMIN_QUEUES_PATH, requireAdmin(), adminRoutes(producer.allQueues()));
  app.use('/v1', jsonBody(JSON_BODY_LIMIT_BYTES));
  app.use(submitRoutes(submitter));
  app.use(jobRoutes(jobs, new JobCanceller(jobs, producer, logger)));
  app.use(modelRoutes(new ModelRegistry(deps.db), jobs));
  const uploader = new CsvUploader(deps.store, logger, {
    bucket: deps.datasetBucket,
    maxBytes: deps.maxUploadBytes ?? 200 * 1024 * 1024,
  });
  app.use(uploadRoutes(uploader));
  app.use(outputRoutes(jobs, deps.store, logger));
  app.use(monitoringRoutes(new MonitoringRepository(deps.db)));
  app.use((req) => {
    throw new NotFoundError(`no route for ${req.method} ${req.path}`);
  });
  app.use(errorHandler(logger));

  const predict = new PredictEndpoint({
    authenticator,
    rateLimiter,
    predictor: new OnlinePredictor(
      producer,
      deps.onlineEvents,
      deps.predictTimeoutMs,
      logger,
      deps.predictBatch,
    ),
    metrics,
    headers: headers.forPath(PredictEndpoint.path),
    logger,
    trustProxy: app.get('trust proxy fn'),
    bodyLimitBytes: JSON_BODY_LIMIT_BYTES,
  });
  return {
    handle: (req, res) => {
      if (!predict.matches(req)) return app(req, res);
      predict.serve(req, res).catch((error: unknown) => {
        logger.error({ err: error }, 'POST /v1/predict could not answer');
        res.destroy();
      });
    },
    app,
    directRoutes: [PredictEndpoint.route],
  };
}
