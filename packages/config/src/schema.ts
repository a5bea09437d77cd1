import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';

const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

const port = z.coerce.number().int().min(1).max(65_535);
/** infra/k8s/base/secret.template.yaml's placeholder: a Secret applied without real values must not start. */
const PLACEHOLDER = 'REPLACE_ME';
const secret = (schema: z.ZodString) =>
  schema.refine((value) => !value.includes(PLACEHOLDER), {
    message: `still holds the template placeholder ${PLACEHOLDER}: set a real value`,
  });
/** `a, b,` → ['a', 'b']; unset stays undefined. */
const commaList = z
  .string()
  .optional()
  .transform((value) =>
    value
      ?.split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  );
const isHostPort = (entry: string) => {
  const match = /^([^\s:/]+):(\d{1,5})$/.exec(entry);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65_535;
};
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name');

/** The process environment, variable by variable. Defaults are the local machine's services. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(8000),
  WORKER_PORT: port.default(8001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: secret(url(['mysql:', 'mariadb:'])).default('mysql://root@127.0.0.1:3306/shelfwise'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  // Set: a Redis Cluster reached through these seed nodes (REDIS_URL then gives only credentials and TLS).
  REDIS_CLUSTER_NODES: commaList
    .refine((nodes) => nodes === undefined || (nodes.length > 0 && nodes.every(isHostPort)), {
      message: 'must be a comma-separated list of host:port entries',
    })
    .transform((nodes) =>
      nodes?.map((node) => {
        const at = node.lastIndexOf(':');
        return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
      }),
    ),
  // The hash tag keeps every key of a queue in one Redis Cluster slot.
  QUEUE_PREFIX: z.string().min(1).default('{shelfwise}'),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_EMBEDDED_PORT: port.default(4569),
  S3_DATA_DIR: z.string().min(1).default('.data/s3'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  // s3rver's fixed local credentials; anything real comes from the environment.
  AWS_ACCESS_KEY_ID: secret(z.string().min(1)).default('S3RVER'),
  AWS_SECRET_ACCESS_KEY: secret(z.string().min(1)).default('S3RVER'),
  S3_BUCKET_DATASET: bucketName.default('dataset'),
  S3_BUCKET_INFERENCE: bucketName.default('inference'),
  S3_BUCKET_MODELS: bucketName.default('models'),
  MLFLOW_TRACKING_URI: url(['http:', 'https:']).optional(),
  MLFLOW_EXPERIMENT: z.string().min(1).default('shelfwise'),
  MLFLOW_REGISTERED_MODEL: z.string().min(1).default('shelfwise-classifier'),
  // MLflow's own variable names for a tracking server behind auth; sent as a header, never logged.
  MLFLOW_TRACKING_TOKEN: secret(z.string().min(1)).optional(),
  MLFLOW_TRACKING_USERNAME: z.string().min(1).optional(),
  MLFLOW_TRACKING_PASSWORD: secret(z.string().min(1)).optional(),
  // Bounds every MLflow request; artifact uploads (model.onnx can be large) get their own bound.
  MLFLOW_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(5_000),
  MLFLOW_ARTIFACT_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(120_000),
  // The outbox dispatcher: how often it looks for due entries, how many it takes, and how it backs off.
  MLFLOW_OUTBOX_INTERVAL_MS: z.coerce.number().int().min(10).default(5_000),
  MLFLOW_OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(20),
  MLFLOW_OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1_000).default(20),
  MLFLOW_OUTBOX_MAX_BACKOFF_MS: z.coerce.number().int().min(10).default(600_000),
  // Exported by the gateway as a gauge: Grafana's alert fires while the serving model's monitored min F1 is below it.
  MIN_F1_ALERT_THRESHOLD: z.coerce.number().min(0).max(1).default(0.7),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  // Which queues this worker process serves: the same image runs as inference, training, or both. The
  // names are contracts' QUEUE_NAMES (config imports no package; createWorker's types keep the two equal).
  WORKER_QUEUES: z
    .string()
    .default('inference,online,training')
    .transform((value) => value.split(',').map((role) => role.trim()))
    .pipe(z.array(z.enum(['inference', 'online', 'training'])).min(1)),
  WORKER_CONCURRENCY_INFERENCE: z.coerce.number().int().min(1).max(64).default(1),
  WORKER_CONCURRENCY_ONLINE: z.coerce.number().int().min(1).max(256).default(8),
  WORKER_CONCURRENCY_TRAINING: z.coerce.number().int().min(1).max(8).default(1),
  // BullMQ's job lock: a worker that dies leaves its job locked this long before another one takes it over.
  // Unset: 30 s, and 120 s for training (it holds the event loop in slices, so renewals can come late).
  WORKER_LOCK_MS: z.coerce.number().int().min(1_000).optional(),
  // How often each worker looks for stalled jobs (expired locks: their worker died).
  WORKER_STALLED_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  // The reconciler enqueues again the jobs MySQL still shows QUEUED or RUNNING that Redis lost.
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  // Younger rows are the gateway's to enqueue (its enqueue deadline is 5 s); older ones the reconciler's.
  RECONCILE_MIN_AGE_MS: z.coerce.number().int().min(0).default(10_000),
  // How often each worker checks a marker key in Redis: a missing marker means Redis lost its data
  // (a restart without persistence, FLUSHALL, a failover), and a reconciliation pass runs at once.
  QUEUE_LOSS_CHECK_MS: z.coerce.number().int().min(100).default(1_000),
  // While MySQL is unreachable a worker pauses its consumers and checks this often whether it is back.
  DATABASE_RETRY_MS: z.coerce.number().int().min(100).default(2_000),
  // The same for object storage: an S3 outage pauses the consumers instead of failing jobs.
  S3_RETRY_MS: z.coerce.number().int().min(100).default(2_000),
  // A running job whose progress has not moved for this long is stopped and retried (TRANSIENT): a hung
  // download or a stuck dependency never holds a worker slot for ever. Far above any healthy gap.
  JOB_STALL_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(300_000),
  INFERENCE_DEVICE: z.enum(['cpu', 'cuda']).default('cpu'),
  // Threads one onnxruntime run may use; 0: onnxruntime's choice (every core). Several inference workers on
  // one host (chunks of one job, say) each want 1, or they fight over the same cores.
  INFERENCE_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  INFERENCE_BATCH_SIZE: z.coerce.number().int().min(1).max(65_536).default(1024),
  // Rows of a predict job below this confidence (and without a human label) also go to its review file.
  // 0.8 by measurement (bench:confidence, real data, seed-42 hold-out): accuracy is 0.89 in the 0.8-0.9 band,
  // 0.82 in 0.7-0.8 and 0.74 in 0.6-0.7; the 6.4% of rows below 0.8 hold half the wrong predictions. 0: off.
  REVIEW_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.8),
  // A predict job over more data rows than this is split into chunks of about this many rows, which any
  // inference worker takes (a BullMQ flow); at most this many rows are redone when a worker dies mid-job.
  PREDICT_CHUNK_ROWS: z.coerce.number().int().min(1).default(250_000),
  // How often a worker asks MySQL which model version serves (hot swap without restart).
  MODEL_POLL_MS: z.coerce.number().int().min(100).default(2_000),
  JOB_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(3),
  JOB_BACKOFF_MS: z.coerce.number().int().min(0).default(2_000),
  PREDICT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  // Concurrent POST /v1/predict requests are micro-batched into one online job: a batch is sent when it
  // holds PREDICT_BATCH_MAX_TEXTS texts or PREDICT_BATCH_MAX_WAIT_MS after its first request, whichever
  // comes first (0: on the next turn of the event loop). The wait stays far below PREDICT_TIMEOUT_MS.
  PREDICT_BATCH_MAX_TEXTS: z.coerce.number().int().min(1).max(1_000).default(256),
  PREDICT_BATCH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(50).default(1),
  // Promote a new model only if it scores at least the serving model's on rows neither trained on.
  AUTO_PROMOTE: z.enum(['better-or-equal', 'always', 'never']).default('better-or-equal'),
  // Fewer rows than this that neither model trained on: no automatic promotion (±0.03 weighted F1 at 200).
  PROMOTION_MIN_ROWS: z.coerce.number().int().min(1).default(200),
  // READY versions newer than the serving one scored on incoming feedback (the newest this many; 0: none).
  SHADOW_MAX_VERSIONS: z.coerce.number().int().min(0).max(20).default(3),
  // Checked here with the parser BullMQ's scheduler uses: a bad pattern stops start-up with the other bad
  // values instead of crashing the worker when it installs the schedule.
  RETRAIN_CRON: z
    .string()
    .refine(isCronPattern, 'is not a cron pattern (e.g. "0 3 * * *": minute hour day month weekday)')
    .optional(),
  RETRAIN_MIN_ROWS: z.coerce.number().int().min(1).default(500),
  // An admin key for automation, next to the hashed keys in MySQL; compared in constant time, never logged.
  ADMIN_API_KEY: secret(z.string().min(16)).optional(),
  // Development only (never read in production): where the gateway keeps the admin key it makes when there
  // is no other, owner-only, so the console and the CLI keep working across restarts.
  DEV_ADMIN_KEY_FILE: z.string().min(1).default('.data/dev-admin-key'),
  // Requests per API key per minute (fixed window in Redis); over it the gateway answers 429.
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  // MySQL lookups of API keys the gateway has not lately seen valid, per client address per minute; over it
  // requests with such keys get 429 before any lookup, so a flood of random keys is not a flood of queries.
  UNKNOWN_KEYS_PER_MINUTE: z.coerce.number().int().min(1).default(60),
  // How many reverse proxies sit in front of the gateway: their X-Forwarded-For entries are trusted to name
  // the client address (0: the socket's address, X-Forwarded-For ignored, so clients cannot spoof it).
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  // `bucket/prefix` entries submitted S3 URIs must fall under; unset: anywhere in the configured buckets.
  S3_ALLOWED_PREFIXES: commaList,
  RETRAIN_EPOCHS: z.coerce.number().int().min(1).max(200).default(10),
});

export type Env = z.infer<typeof envSchema>;

function isCronPattern(pattern: string): boolean {
  try {
    CronExpressionParser.parse(pattern);
    return true;
  } catch {
    return false;
  }
}
