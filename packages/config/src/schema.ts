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
const bucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name');

/** The process environment, variable by variable. Defaults are the local machine's services. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(8000),
  WORKER_PORT: port.default(8001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['mysql:', 'mariadb:']).default('mysql://root@127.0.0.1:3306/shelfwise'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  // The hash tag keeps every key of a queue in one Redis Cluster slot.
  QUEUE_PREFIX: z.string().min(1).default('{shelfwise}'),
  S3_ENDPOINT: url(['http:', 'https:']).optional(),
  S3_EMBEDDED_PORT: port.default(4569),
  S3_DATA_DIR: z.string().min(1).default('.data/s3'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  // s3rver's fixed local credentials; anything real comes from the environment.
  AWS_ACCESS_KEY_ID: z.string().min(1).default('S3RVER'),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).default('S3RVER'),
  S3_BUCKET_DATASET: bucketName.default('dataset'),
  S3_BUCKET_INFERENCE: bucketName.default('inference'),
  S3_BUCKET_MODELS: bucketName.default('models'),
  MLFLOW_TRACKING_URI: url(['http:', 'https:']).optional(),
  MLFLOW_EXPERIMENT: z.string().min(1).default('shelfwise'),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
});

export type Env = z.infer<typeof envSchema>;
