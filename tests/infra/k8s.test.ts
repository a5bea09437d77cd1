import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { parser } from '@prometheus-io/lezer-promql';
import { envSchema, loadConfig } from '@shelfwise/config';
import { METRIC } from '@shelfwise/metrics';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { kustomizeResources, type Manifest, readManifests } from '../support/kustomize-resources';

// No cluster here: manifests are validated offline against the Kubernetes (and KEDA) OpenAPI schemas that
// kubernetes-models ships, then checked against the code: env names, ports, probes, queue keys.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Throws on a PromQL syntax error, as Prometheus would refuse the query. */
function parsePromQl(expr: string): void {
  let error: number | undefined;
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) error ??= node.from;
    },
  });
  if (error !== undefined) throw new Error(`PromQL syntax error at ${error} in: ${expr}`);
}
const K8S = join(ROOT, 'infra/k8s');
const OVERLAYS = ['overlays/keda', 'overlays/cpu-hpa'];

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
};

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) && entry.name !== 'kustomization.yaml' ? [path] : [];
  });
const all = yamlFiles(K8S).flatMap((path) => readManifests(path, K8S));
const secretTemplate = readManifests(join(K8S, 'base/secret.template.yaml'), K8S)[0] as Manifest;
const overlays = Object.fromEntries(OVERLAYS.map((dir) => [dir, kustomizeResources(join(K8S, dir), K8S)]));
const base = kustomizeResources(join(K8S, 'base'), K8S);
const ofKind = (kind: string, list = all) => list.filter((m) => m.kind === kind);
const named = (kind: string, name: string) => ofKind(kind).find((m) => m.metadata.name === name);
const configMap = named('ConfigMap', 'shelfwise-config') as Manifest;
const deployments = ofKind('Deployment');
const gatewayBuild = (
  JSON.parse(readFileSync(join(ROOT, 'apps/gateway/package.json'), 'utf8')) as { scripts: { build: string } }
).scripts.build;
const podSpecs = [...deployments, ...ofKind('Job')].map((m) => ({ owner: m, pod: m.spec.template.spec }));

/** The Secret as an operator fills it in: every REPLACE_ME of the template given a real value. */
const filledSecret = Object.fromEntries(
  Object.entries(secretTemplate.stringData as Record<string, string>).map(([name, value]) => [
    name,
    value.replace(/REPLACE_ME\w*/, 'a-real-secret-value'),
  ]),
);

/** The config a container would load: ConfigMap, then the Secret (filled in), then its own env. */
function configOf(container: { env?: { name: string; value: string }[] }) {
  const own = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
  return loadConfig({ ...configMap.data, ...filledSecret, ...own });
}

describe('infra/k8s manifests', () => {
  it('validate against the Kubernetes and KEDA schemas', () => {
    expect(all.length).toBeGreaterThan(8);
    for (const manifest of all) {
      const Model = MODELS[`${manifest.apiVersion}/${manifest.kind}`];
      expect(Model, `${manifest.file}: no schema for ${manifest.apiVersion} ${manifest.kind}`).toBeDefined();
      const { file: _file, ...object } = manifest;
      expect(
        () => new (Model as NonNullable<typeof Model>)(object as never).validate(),
        manifest.file,
      ).not.toThrow();
    }
  });

  it('are applied by the overlays (the Secret only from its template) and all live in the namespace', () => {
    for (const resources of Object.values(overlays)) {
      expect(resources.map((m) => m.kind)).toEqual(
        expect.arrayContaining(['Namespace', 'Deployment', 'Job']),
      );
      expect(ofKind('Secret', resources)).toEqual([]);
    }
    const applied = new Set(
      Object.values(overlays).flatMap((list) => list.map((m) => `${m.kind}/${m.metadata.name}`)),
    );
    for (const manifest of all.filter((m) => m.file !== secretTemplate.file)) {
      expect(applied, `${manifest.file} is in no overlay`).toContain(
        `${manifest.kind}/${manifest.metadata.name}`,
      );
    }
    const namespace = ofKind('Namespace')[0]?.metadata.name;
    for (const manifest of all.filter((m) => m.kind !== 'Namespace')) {
      expect(manifest.metadata.namespace, manifest.file).toBe(namespace);
    }
  });

  it('select their own pods: Deployment selectors match template labels, Services a Deployment port', () => {
    for (const deployment of deployments) {
      expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
    }
    for (const service of ofKind('Service')) {
      const targets = deployments.filter((d) =>
        Object.entries(service.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v),
      );
      expect(targets, service.metadata.name).toHaveLength(1);
      const ports = targets[0]?.spec.template.spec.containers.flatMap((c: { ports: { name: string }[] }) =>
        c.ports.map((p) => p.name),
      );
      for (const port of service.spec.ports) expect(ports).toContain(port.targetPort);
    }
  });

  it('set only variables the config reads, with values it accepts', () => {
    const known = new Set(Object.keys(envSchema.shape));
    const names = [
      ...Object.keys(configMap.data),
      ...Object.keys(secretTemplate.stringData),
      ...podSpecs.flatMap(({ pod }) =>
        pod.containers.flatMap((c: { env?: { name: string }[] }) => (c.env ?? []).map((e) => e.name)),
      ),
    ];
    expect(names.filter((name) => !known.has(name))).toEqual([]);
    for (const { owner, pod } of podSpecs) {
      for (const container of pod.containers) {
        expect(() => configOf(container), owner.metadata.name).not.toThrow();
        const refs = container.envFrom.map((from: Record<string, { name: string }>) =>
          from.configMapRef ? `ConfigMap/${from.configMapRef.name}` : `Secret/${from.secretRef?.name}`,
        );
        expect(refs).toEqual([
          `ConfigMap/${configMap.metadata.name}`,
          `Secret/${secretTemplate.metadata.name}`,
        ]);
      }
    }
  });

  it('refuse to start on the Secret template as shipped, naming each placeholder variable', () => {
    expect(() => loadConfig({ ...configMap.data, ...secretTemplate.stringData })).toThrow(
      /ADMIN_API_KEY: still holds the template placeholder/,
    );
    const placeholders = Object.entries(secretTemplate.stringData as Record<string, string>)
      .filter(([, value]) => value.includes('REPLACE_ME'))
      .map(([name]) => name);
    expect(placeholders).toEqual(expect.arrayContaining(['ADMIN_API_KEY', 'AWS_SECRET_ACCESS_KEY']));
    for (const name of placeholders) {
      expect(() => loadConfig({ ...filledSecret, [name]: secretTemplate.stringData[name] }), name).toThrow(
        new RegExp(`${name}: still holds`),
      );
    }
  });

  it('document a `kubectl create secret` with every variable the Secret template sets', () => {
    const readme = readFileSync(join(K8S, 'README.md'), 'utf8');
    const command = readme.slice(readme.indexOf('kubectl -n shelfwise create secret'));
    const literals = [...command.slice(0, command.indexOf('\n\n')).matchAll(/--from-literal=(\w+)=/g)].map(
      (match) => match[1],
    );
    const required = Object.entries(secretTemplate.stringData as Record<string, string>)
      .filter(([, value]) => value !== '')
      .map(([name]) => name);
    expect(literals.sort()).toEqual(required.sort());
  });

  it('probe /healthz for liveness and /readyz for readiness on the port the app listens on', () => {
    for (const deployment of deployments) {
      for (const container of deployment.spec.template.spec.containers) {
        const config = configOf(container);
        const isWorker = deployment.metadata.labels?.['app.kubernetes.io/component'] === 'worker';
        const listens = isWorker ? config.worker.port : config.gateway.port;
        const portNumber = (name: string | number) =>
          typeof name === 'number'
            ? name
            : container.ports.find((p: { name: string }) => p.name === name)?.containerPort;
        expect(container.livenessProbe.httpGet.path, deployment.metadata.name).toBe('/healthz');
        expect(container.readinessProbe.httpGet.path, deployment.metadata.name).toBe('/readyz');
        expect(portNumber(container.livenessProbe.httpGet.port)).toBe(listens);
        expect(portNumber(container.readinessProbe.httpGet.port)).toBe(listens);
        const scrape = deployment.spec.template.metadata.annotations;
        expect(scrape).toMatchObject({
          'prometheus.io/port': String(listens),
          'prometheus.io/path': '/metrics',
        });
      }
    }
  });

  it('give every container CPU and memory requests and limits', () => {
    for (const { owner, pod } of podSpecs) {
      for (const container of pod.containers) {
        for (const bound of ['requests', 'limits']) {
          expect(
            Object.keys(container.resources?.[bound] ?? {}).sort(),
            `${owner.metadata.name} ${bound}`,
          ).toEqual(['cpu', 'memory']);
        }
      }
    }
  });

  it('run inference and online on one worker Deployment and training on another', () => {
    const queues = (name: string) =>
      configOf(named('Deployment', name)?.spec.template.spec.containers[0]).worker.queues;
    expect(queues('shelfwise-worker-inference')).toEqual(['inference', 'online']);
    expect(queues('shelfwise-worker-training')).toEqual(['training']);
  });

  it('migrate with the gateway image and the project script', () => {
    const job = named('Job', 'shelfwise-migrate');
    const container = job?.spec.template.spec.containers[0];
    // The gateway image's bundle of apps/gateway/src/migrate.ts (its build entry), run by plain node.
    expect(container.command).toEqual(['node', 'apps/gateway/dist/migrate.js']);
    expect(existsSync(join(ROOT, 'apps/gateway/src/migrate.ts'))).toBe(true);
    expect(gatewayBuild).toContain('src/migrate.ts');
    expect(container.image).toBe(
      named('Deployment', 'shelfwise-gateway')?.spec.template.spec.containers[0].image,
    );
  });

  it('scale each worker with KEDA on the exported backlog (waiting + prioritized) of exactly its queues', () => {
    const scaled = ofKind('ScaledObject', overlays['overlays/keda']);
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual([
      'shelfwise-worker-inference',
      'shelfwise-worker-training',
    ]);
    for (const object of scaled) {
      const target = named('Deployment', object.spec.scaleTargetRef.name);
      expect(target, object.metadata.name).toBeDefined();
      const config = configOf(target?.spec.template.spec.containers[0]);
      const triggers = object.spec.triggers as { type: string; metadata: Record<string, string> }[];
      expect(triggers.every((t) => t.type === 'prometheus')).toBe(true);
      // Fair-shared jobs are in BullMQ's prioritized set, not its wait list: a trigger must count both.
      const queues = triggers.map((t) => {
        const query = t.metadata.query ?? '';
        parsePromQl(query);
        expect(query).toContain(METRIC.queueJobs);
        expect(query).toContain('state=~"waiting|prioritized"');
        // Every gateway replica exports the same counts: summing over them would count each job N times.
        expect(query).toMatch(/^max\(/);
        return /queue="([^"]+)"/.exec(query)?.[1];
      });
      expect(queues.sort()).toEqual([...config.worker.queues].sort());
      for (const trigger of triggers) expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
    }
  });

  it('never put KEDA and an HPA on the same Deployment; the CPU overlay covers the same workers', () => {
    for (const [overlay, resources] of Object.entries(overlays)) {
      const keda = ofKind('ScaledObject', resources).map((s) => s.spec.scaleTargetRef.name);
      const hpa = ofKind('HorizontalPodAutoscaler', resources).map((h) => h.spec.scaleTargetRef.name);
      expect(
        keda.filter((name) => hpa.includes(name)),
        overlay,
      ).toEqual([]);
      for (const name of [...keda, ...hpa]) expect(named('Deployment', name), name).toBeDefined();
    }
    expect(ofKind('ScaledObject', base)).toEqual([]);
    expect(ofKind('HorizontalPodAutoscaler', base)).toEqual([]);
    const hpaTargets = ofKind('HorizontalPodAutoscaler', overlays['overlays/cpu-hpa']).map(
      (h) => h.spec.scaleTargetRef.name,
    );
    expect(hpaTargets.sort()).toEqual(['shelfwise-worker-inference', 'shelfwise-worker-training']);
  });
});
