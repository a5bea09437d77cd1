import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parser } from '@prometheus-io/lezer-promql';
import { exportedNames, GatewayMetrics, METRIC, Registry, WorkerMetrics } from '@shelfwise/metrics';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// No Grafana runs here: the provisioned files are checked against the metrics the code really exports.
const GRAFANA = fileURLToPath(new URL('../../infra/grafana/', import.meta.url));
const DATASOURCE_UID = 'prometheus';

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  targets?: { expr: string; refId: string }[];
  panels?: Panel[];
}
interface AlertQuery {
  refId: string;
  datasourceUid: string;
  model: { expr?: string; type?: string; expression?: string };
}
interface AlertRule {
  uid: string;
  title: string;
  condition: string;
  data: AlertQuery[];
  dashboardUid?: string;
  panelId?: number;
}

const dashboards = readdirSync(`${GRAFANA}dashboards`)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, json: JSON.parse(readFileSync(`${GRAFANA}dashboards/${file}`, 'utf8')) }));
const alertFiles = readdirSync(`${GRAFANA}provisioning/alerting`).filter((file) => /\.ya?ml$/.test(file));
const rules: AlertRule[] = alertFiles.flatMap((file) =>
  (
    parse(readFileSync(`${GRAFANA}provisioning/alerting/${file}`, 'utf8')) as {
      groups: { rules: AlertRule[] }[];
    }
  ).groups.flatMap((group) => group.rules),
);
const panels = (list: Panel[]): Panel[] => list.flatMap((panel) => [panel, ...panels(panel.panels ?? [])]);
const dashboardPanels = dashboards.flatMap(({ json }) => panels(json.panels as Panel[]));

/** Every PromQL expression the provisioned files send to Prometheus, named by where it is. */
const expressions: { where: string; expr: string }[] = [
  ...dashboardPanels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `panel "${panel.title}" ${target.refId}`,
      expr: target.expr,
    })),
  ),
  ...rules.flatMap((rule) =>
    rule.data
      .filter((query) => query.datasourceUid === DATASOURCE_UID)
      .map((query) => ({ where: `alert "${rule.title}" ${query.refId}`, expr: query.model.expr ?? '' })),
  ),
];

/** The metric names a PromQL expression selects; throws on a syntax error. */
function metricNames(expr: string): string[] {
  const names: string[] = [];
  const errors: number[] = [];
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') {
        names.push(expr.slice(node.from, node.to));
      }
    },
  });
  if (errors.length > 0) throw new Error(`PromQL syntax error at ${errors.join(', ')} in: ${expr}`);
  return names;
}

// What the processes really export: both registries, Node's default metrics included, histograms as series.
const exported = new Set([
  ...exportedNames(new WorkerMetrics(new Registry()).registry),
  ...exportedNames(
    new GatewayMetrics(new Registry(), {
      queues: async () => [],
      monitoredModels: async () => [],
      minF1AlertThreshold: 0.7,
    }).registry,
  ),
]);

describe('Grafana provisioning', () => {
  it('has a dashboard and an alert rule to check', () => {
    expect(dashboards.length).toBeGreaterThan(0);
    expect(rules.length).toBeGreaterThan(0);
    expect(expressions.length).toBeGreaterThan(10);
  });

  it('queries only metrics the gateway and workers export, in valid PromQL', () => {
    const unknown = expressions.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !exported.has(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('shows every shelfwise metric on the dashboard', () => {
    const shown = new Set(expressions.flatMap(({ expr }) => metricNames(expr)));
    const missing = Object.values(METRIC).filter(
      (name) => ![name, `${name}_bucket`, `${name}_sum`, `${name}_count`].some((series) => shown.has(series)),
    );
    expect(missing).toEqual([]);
  });

  it('reads every panel from the provisioned Prometheus datasource, with unique panel ids', () => {
    const datasources = parse(readFileSync(`${GRAFANA}provisioning/datasources/prometheus.yml`, 'utf8')) as {
      datasources: { uid: string }[];
    };
    expect(datasources.datasources.map((d) => d.uid)).toContain(DATASOURCE_UID);
    for (const panel of dashboardPanels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe(DATASOURCE_UID);
    }
    const ids = dashboardPanels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('alerts when the serving model’s monitored min F1 is below the exported threshold', () => {
    const rule = rules.find((r) => r.uid === 'shelfwise-min-f1-below-threshold');
    expect(rule).toBeDefined();
    const [query] = rule?.data.filter((q) => q.datasourceUid === DATASOURCE_UID) ?? [];
    expect(metricNames(query?.model.expr ?? '')).toEqual([METRIC.monitoredMinF1, METRIC.minF1AlertThreshold]);
    // The condition chain ends in the refId the rule names, and each step reads one that exists.
    const refIds = new Set(rule?.data.map((q) => q.refId));
    expect(refIds).toContain(rule?.condition);
    for (const step of rule?.data.filter((q) => q.model.expression) ?? []) {
      expect(refIds).toContain(step.model.expression);
    }
    // Its panel link points at the panel that draws the threshold.
    const dashboard = dashboards.find(({ json }) => json.uid === rule?.dashboardUid);
    const panel = panels((dashboard?.json.panels ?? []) as Panel[]).find((p) => p.id === rule?.panelId);
    expect(panel?.targets?.map((t) => t.expr).join(' ')).toContain(METRIC.minF1AlertThreshold);
  });
});
