import { ConfigError } from './config-error';
import { type Config, configFrom } from './config-from';
import { envSchema } from './schema';

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
  return configFrom(parsed.data);
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
