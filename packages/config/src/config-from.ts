import type { Env } from './schema';

/** The settings as the processes use them, grouped by part; the type is derived from this mapping. */
export type Config = ReturnType<typeof configFrom>;

/** Maps the validated environment onto the settings tree (defaults and rules live in the zod schema). */
export function configFrom(env: Env) {
  return {
    nodeEnv: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    gateway: {
      port: env.PORT,
      /** ADMIN_API_KEY: accepted as an admin key besides those in MySQL. */
      adminApiKey: env.ADMIN_API_KEY,
      /** DEV_ADMIN_KEY_FILE: the development admin key's file (development only). */
      devAdminKeyFile: env.DEV_ADMIN_KEY_FILE,
      rateLimitPerMinute: env.RATE_LIMIT_PER_MINUTE,
      /** UNKNOWN_KEYS_PER_MINUTE: lookups of keys not lately seen valid, per client address per minute. */
      unknownKeysPerMinute: env.UNKNOWN_KEYS_PER_MINUTE,
      /** TRUST_PROXY: reverse proxies in front of the gateway whose X-Forwarded-For is trusted (0: none). */
      trustProxyHops: env.TRUST_PROXY,
      /** `bucket/prefix` entries submitted S3 URIs must start with; undefined: the whole buckets. */
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
      /** BullMQ lock duration; undefined: per-role defaults (30 s, training 120 s). */
      lockMs: env.WORKER_LOCK_MS,
      stalledIntervalMs: env.WORKER_STALLED_INTERVAL_MS,
      /** `lossCheckMs`: how often the Redis marker is checked (a lost queue is reconciled at once). */
      reconcile: {
        intervalMs: env.RECONCILE_INTERVAL_MS,
        minAgeMs: env.RECONCILE_MIN_AGE_MS,
        lossCheckMs: env.QUEUE_LOSS_CHECK_MS,
      },
      /** How often a worker paused by a MySQL outage checks whether MySQL is back; `storageRetryMs` the same for S3. */
      databaseRetryMs: env.DATABASE_RETRY_MS,
      storageRetryMs: env.S3_RETRY_MS,
      /** A running job whose progress has not moved for this long is stopped and retried. */
      stallTimeoutMs: env.JOB_STALL_TIMEOUT_MS,
    },
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    /** REDIS_CLUSTER_NODES: a Redis Cluster's seed nodes; undefined: the single server at `redisUrl`. */
    redisClusterNodes: env.REDIS_CLUSTER_NODES,
    queuePrefix: env.QUEUE_PREFIX,
    s3: {
      endpoint: env.S3_ENDPOINT ?? `http://127.0.0.1:${env.S3_EMBEDDED_PORT}`,
      /** True when S3_ENDPOINT is unset: the local launcher runs the embedded server at `endpoint`. */
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
      /** Unset: no tracking at all; figures stay in MySQL and nothing is queued for MLflow. */
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
      /** onnxruntime's intra-op threads per run; 0: its own choice (every core). */
      threads: env.INFERENCE_THREADS,
      batchSize: env.INFERENCE_BATCH_SIZE,
      modelPollMs: env.MODEL_POLL_MS,
      /** Rows below this confidence without a human label go to the job's review file; 0: none. */
      reviewConfidence: env.REVIEW_CONFIDENCE,
      /** A predict job over more rows is split into chunks of about this many, for any inference worker. */
      chunkRows: env.PREDICT_CHUNK_ROWS,
    },
    training: {
      autoPromote: env.AUTO_PROMOTE,
      /** Rows neither model trained on needed for an automatic promotion. */
      promotionMinRows: env.PROMOTION_MIN_ROWS,
      /** How many READY versions newer than the serving one are shadow-scored on feedback. */
      shadowMaxVersions: env.SHADOW_MAX_VERSIONS,
      retrainCron: env.RETRAIN_CRON,
      retrainMinRows: env.RETRAIN_MIN_ROWS,
      retrainEpochs: env.RETRAIN_EPOCHS,
    },
  };
}
