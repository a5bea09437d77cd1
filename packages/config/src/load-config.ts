import { ConfigError } from './config-error';
import { envSchema } from './schema';

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  gateway: {
    port: number;
    /** ADMIN_API_KEY: accepted as an admin key besides those in MySQL. */
    adminApiKey: string | undefined;
    /** DEV_ADMIN_KEY_FILE: the development admin key's file (development only). */
    devAdminKeyFile: string;
    rateLimitPerMinute: number;
    /** UNKNOWN_KEYS_PER_MINUTE: lookups of keys not lately seen valid, per client address per minute. */
    unknownKeysPerMinute: number;
    /** TRUST_PROXY: reverse proxies in front of the gateway whose X-Forwarded-For is trusted (0: none). */
    trustProxyHops: number;
    /** `bucket/prefix` entries submitted S3 URIs must start with; undefined: the whole buckets. */
    s3AllowedPrefixes: string[] | undefined;
  };
  databaseUrl: string;
  redisUrl: string;
  /** REDIS_CLUSTER_NODES: a Redis Cluster's seed nodes; undefined: the single server at `redisUrl`. */
  redisClusterNodes: { host: string; port: number }[] | undefined;
  queuePrefix: string;
  s3: {
    endpoint: string;
    /** True when S3_ENDPOINT is unset: the local launcher runs the embedded server at `endpoint`. */
    embedded: boolean;
    embeddedPort: number;
    dataDir: string;
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
    buckets: { dataset: string; inference: string; models: string };
  };
  mlflow: {
    /** Unset: no tracking at all; figures stay in MySQL and nothing is queued for MLflow. */
    trackingUri: string | undefined;
    experiment: string;
    registeredModel: string;
    auth: { token: string } | { username: string; password: string } | undefined;
    timeoutMs: number;
    artifactTimeoutMs: number;
    outbox: { intervalMs: number; batchSize: number; maxAttempts: number; maxBackoffMs: number };
  };
  shutdownGraceMs: number;
  monitoring: { minF1AlertThreshold: number };
  jobs: {
    attempts: number;
    backoffMs: number;
    predictTimeoutMs: number;
    predictBatch: { maxTexts: number; maxWaitMs: number };
  };
  inference: {
    device: 'cpu' | 'cuda';
    batchSize: number;
    modelPollMs: number;
    /** Rows below this confidence without a human label go to the job's review file; 0: none. */
    reviewConfidence: number;
    /** A predict job over more rows is split into chunks of about this many, for any inference worker. */
    chunkRows: number;
  };
  worker: {
    port: number;
    queues: ('inference' | 'online' | 'training')[];
    concurrency: { inference: number; online: number; training: number };
    /** BullMQ lock duration; undefined: per-role defaults (30 s, training 120 s). */
    lockMs: number | undefined;
    stalledIntervalMs: number;
    /** `lossCheckMs`: how often the Redis marker is checked (a lost queue is reconciled at once). */
    reconcile: { intervalMs: number; minAgeMs: number; lossCheckMs: number };
    /** How often a worker paused by a MySQL outage checks whether MySQL is back. */
    databaseRetryMs: number;
    /** The same for an S3 outage. */
    storageRetryMs: number;
    /** A running job whose progress has not moved for this long is stopped and retried. */
    stallTimeoutMs: number;
  };
  training: {
    autoPromote: 'better-or-equal' | 'always' | 'never';
    /** Rows neither model trained on needed for an automatic promotion. */
    promotionMinRows: number;
    /** How many READY versions newer than the serving one are shadow-scored on feedback. */
    shadowMaxVersions: number;
    retrainCron: string | undefined;
    retrainMinRows: number;
    retrainEpochs: number;
  };
}

/**
 * Reads every setting from the environment. Empty strings count as unset, so `FOO=` in a compose file
 * falls back to the default instead of failing on an empty value.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(raw);
  // Name the variable and the rule; never echo the value (it may be a secret).
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  // On a Redis Cluster, BullMQ's multi-key scripts need every key of a queue in one slot: the prefix's tag.
  if (raw.REDIS_CLUSTER_NODES && !/\{[^{}]+\}/.test(raw.QUEUE_PREFIX ?? '{shelfwise}')) {
    problems.push('QUEUE_PREFIX: must hold a {hash tag} when REDIS_CLUSTER_NODES is set');
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const env = parsed.data;
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    gateway: {
      port: env.PORT,
      adminApiKey: env.ADMIN_API_KEY,
      devAdminKeyFile: env.DEV_ADMIN_KEY_FILE,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      unknownKeysPerMinute: env.UNKNOWN_KEYS_PER_MINUTE,
      trustProxyHops: env.TRUST_PROXY,
      s3AllowedPrefixes: env.S3_ALLOWED_PREFIXES,
    },
    worker: {
      port: env.WORKER_PORT,
      queues: env.WORKER_QUEUES,
      concurrency: {
        inference: env.WORKER_CONCURRENCY_INFERENCE,
        online: env.WORKER_CONCURRENCY_ONLINE,
        training: env.WORKER_CONCURRENCY_TRAINING,
      },
      lockMs: env.WORKER_LOCK_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
      reconcile: {
        intervalMs: env.RECONCILE_INTERVAL_MS,
        minAgeMs: env.RECONCILE_MIN_AGE_MS,
        lossCheckMs: env.QUEUE_LOSS_CHECK_MS,
      },
      databaseRetryMs: env.DATABASE_RETRY_MS,
      storageRetryMs: env.S3_RETRY_MS,
      stallTimeoutMs: env.JOB_STALL_TIMEOUT_MS,
    },
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    redisClusterNodes: env.REDIS_CLUSTER_NODES,
    queuePrefix: env.QUEUE_PREFIX,
    s3: {
      endpoint: env.S3_ENDPOINT ?? `http://127.0.0.1:${env.S3_EMBEDDED_PORT}`,
      embedded: env.S3_ENDPOINT === undefined,
      embeddedPort: env.S3_EMBEDDED_PORT,
      dataDir: env.S3_DATA_DIR,
      region: env.AWS_REGION,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      buckets: {
        dataset: env.S3_BUCKET_DATASET,
        inference: env.S3_BUCKET_INFERENCE,
        models: env.S3_BUCKET_MODELS,
      },
    },
    mlflow: {
      trackingUri: env.MLFLOW_TRACKING_URI,
      experiment: env.MLFLOW_EXPERIMENT,
      registeredModel: env.MLFLOW_REGISTERED_MODEL,
      auth: env.MLFLOW_TRACKING_TOKEN
        ? { token: env.MLFLOW_TRACKING_TOKEN }
        : env.MLFLOW_TRACKING_USERNAME
          ? { username: env.MLFLOW_TRACKING_USERNAME, password: env.MLFLOW_TRACKING_PASSWORD ?? '' }
          : undefined,
      timeoutMs: env.MLFLOW_TIMEOUT_MS,
      artifactTimeoutMs: env.MLFLOW_ARTIFACT_TIMEOUT_MS,
      outbox: {
        intervalMs: env.MLFLOW_OUTBOX_INTERVAL_MS,
        batchSize: env.MLFLOW_OUTBOX_BATCH_SIZE,
        maxAttempts: env.MLFLOW_OUTBOX_MAX_ATTEMPTS,
        maxBackoffMs: env.MLFLOW_OUTBOX_MAX_BACKOFF_MS,
      },
    },
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    monitoring: { minF1AlertThreshold: env.MIN_F1_ALERT_THRESHOLD },
    jobs: {
      attempts: env.JOB_ATTEMPTS,
      backoffMs: env.JOB_BACKOFF_MS,
      predictTimeoutMs: env.PREDICT_TIMEOUT_MS,
      predictBatch: { maxTexts: env.PREDICT_BATCH_MAX_TEXTS, maxWaitMs: env.PREDICT_BATCH_MAX_WAIT_MS },
    },
    inference: {
      device: env.INFERENCE_DEVICE,
      batchSize: env.INFERENCE_BATCH_SIZE,
      modelPollMs: env.MODEL_POLL_MS,
      reviewConfidence: env.REVIEW_CONFIDENCE,
      chunkRows: env.PREDICT_CHUNK_ROWS,
    },
    training: {
      autoPromote: env.AUTO_PROMOTE,
      promotionMinRows: env.PROMOTION_MIN_ROWS,
      shadowMaxVersions: env.SHADOW_MAX_VERSIONS,
      retrainCron: env.RETRAIN_CRON,
      retrainMinRows: env.RETRAIN_MIN_ROWS,
      retrainEpochs: env.RETRAIN_EPOCHS,
    },
  };
}

/** For process entry points: a bad environment prints the one message listing every problem and exits 1. */
export function loadConfigOrExit(source: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
