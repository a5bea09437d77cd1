import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('gives local defaults that work on a developer machine', () => {
    const config = loadConfig({});
    expect(config.gateway.port).toBe(8000);
    expect(config.databaseUrl).toBe('mysql://root@127.0.0.1:3306/shelfwise');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.s3).toMatchObject({ embedded: true, endpoint: 'http://127.0.0.1:4569' });
    expect(config.s3.buckets).toEqual({ dataset: 'dataset', inference: 'inference', models: 'models' });
    expect(config.mlflow.trackingUri).toBeUndefined();
  });

  it("refuses the Secret template's REPLACE_ME placeholders, naming each variable and never the value", () => {
    const error = (() => {
      try {
        loadConfig({
          ADMIN_API_KEY: 'REPLACE_ME_WITH_A_RANDOM_KEY',
          AWS_SECRET_ACCESS_KEY: 'REPLACE_ME',
          DATABASE_URL: 'mysql://shelfwise:REPLACE_ME@mysql:3306/shelfwise',
        });
      } catch (caught) {
        return caught as ConfigError;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of ['ADMIN_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'DATABASE_URL'])
      expect(error?.message).toContain(`${name}: still holds the template placeholder REPLACE_ME`);
    expect(error?.message).not.toContain('REPLACE_ME_WITH');
    expect(error?.message).not.toContain('shelfwise:REPLACE_ME@');
    expect(loadConfig({ ADMIN_API_KEY: 'a-real-key-of-some-length' }).gateway.adminApiKey).toBe(
      'a-real-key-of-some-length',
    );
  });

  it('uses S3_ENDPOINT as given and then starts no embedded server', () => {
    const config = loadConfig({ S3_ENDPOINT: 'http://minio:9000' });
    expect(config.s3).toMatchObject({ embedded: false, endpoint: 'http://minio:9000' });
  });

  it('configures MLflow tracking and its outbox, with credentials only when given', () => {
    const defaults = loadConfig({}).mlflow;
    expect(defaults).toMatchObject({
      registeredModel: 'shelfwise-classifier',
      auth: undefined,
      outbox: { intervalMs: 5_000, maxAttempts: 20 },
    });
    const config = loadConfig({
      MLFLOW_TRACKING_URI: 'http://mlflow:5000',
      MLFLOW_TRACKING_TOKEN: 't0ken',
      MLFLOW_OUTBOX_INTERVAL_MS: '200',
    });
    expect(config.mlflow).toMatchObject({
      trackingUri: 'http://mlflow:5000',
      auth: { token: 't0ken' },
      outbox: { intervalMs: 200 },
    });
    expect(loadConfig({ MLFLOW_TRACKING_USERNAME: 'u', MLFLOW_TRACKING_PASSWORD: 'p' }).mlflow.auth).toEqual({
      username: 'u',
      password: 'p',
    });
  });

  it('limits unknown API keys per client address by default, trusting no proxy unless told', () => {
    expect(loadConfig({}).gateway).toMatchObject({ unknownKeysPerMinute: 60, trustProxyHops: 0 });
    expect(loadConfig({ UNKNOWN_KEYS_PER_MINUTE: '5', TRUST_PROXY: '1' }).gateway).toMatchObject({
      unknownKeysPerMinute: 5,
      trustProxyHops: 1,
    });
    const error = thrownBy(() => loadConfig({ UNKNOWN_KEYS_PER_MINUTE: '0', TRUST_PROXY: 'yes' }));
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['UNKNOWN_KEYS_PER_MINUTE', 'TRUST_PROXY']) expect(problems).toContain(name);
  });

  it('reaches a Redis Cluster through REDIS_CLUSTER_NODES, and one server from REDIS_URL when unset', () => {
    expect(loadConfig({}).redisClusterNodes).toBeUndefined();
    expect(loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:6379, 10.0.0.2:7001,' }).redisClusterNodes).toEqual([
      { host: 'redis-0', port: 6379 },
      { host: '10.0.0.2', port: 7001 },
    ]);
    const problems = (
      thrownBy(() =>
        loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:6379,redis-1', QUEUE_PREFIX: 'shelfwise', PORT: 'x' }),
      ) as ConfigError
    ).problems.join('\n');
    expect(problems).toContain('REDIS_CLUSTER_NODES: must be a comma-separated list of host:port entries');
    expect(problems).toContain('QUEUE_PREFIX: must hold a {hash tag}');
    expect(problems).toContain('PORT');
    expect(String(thrownBy(() => loadConfig({ REDIS_CLUSTER_NODES: 'redis-0:70000' })))).toContain(
      'REDIS_CLUSTER_NODES',
    );
    expect(loadConfig({ QUEUE_PREFIX: 'plain' }).queuePrefix).toBe('plain');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).gateway.port).toBe(8000);
  });

  it('lists every bad value in one error, naming each variable', () => {
    const error = thrownBy(() =>
      loadConfig({
        REDIS_URL: 'nonsense',
        PORT: 'eighty',
        DATABASE_URL: 'postgres://x/y',
        LOG_LEVEL: 'loud',
      }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    for (const name of ['REDIS_URL', 'PORT', 'DATABASE_URL', 'LOG_LEVEL'])
      expect(problems.join('\n')).toContain(name);
  });

  it('refuses a RETRAIN_CRON that is not a cron pattern at start-up, and takes one that is', () => {
    expect(String(thrownBy(() => loadConfig({ RETRAIN_CRON: 'every night' })))).toMatch(
      /RETRAIN_CRON.*not a cron pattern/,
    );
    expect(loadConfig({ RETRAIN_CRON: '0 3 * * *' }).training.retrainCron).toBe('0 3 * * *');
  });

  it('never echoes the bad value, which may be a secret', () => {
    const message = String(thrownBy(() => loadConfig({ MLFLOW_TRACKING_URI: 'secret-token-value' })));
    expect(message).toContain('MLFLOW_TRACKING_URI');
    expect(message).not.toContain('secret-token-value');
  });
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}
