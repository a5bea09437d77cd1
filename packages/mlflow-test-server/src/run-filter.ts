import { MlflowHttpError } from './mlflow-http-error';
import type { StoredRun } from './test-server-state';
import { latestMetrics } from './wire-format';

// A subset of MLflow's search-runs filter grammar: comparisons joined by AND, on
// `metrics.<key>`, `params.<key>`, `tags.<key>` and `attributes.<name>` (keys may be quoted with
// "" or ``). Anything else is rejected rather than silently matching everything.

type Operator = '=' | '!=' | '>' | '>=' | '<' | '<=';
interface Comparison {
  entity: 'metrics' | 'params' | 'tags' | 'attributes';
  key: string;
  operator: Operator;
  value: string | number;
}

const ENTITY_ALIASES: Record<string, Comparison['entity']> = {
  metric: 'metrics',
  metrics: 'metrics',
  param: 'params',
  params: 'params',
  parameter: 'params',
  parameters: 'params',
  tag: 'tags',
  tags: 'tags',
  attr: 'attributes',
  attribute: 'attributes',
  attributes: 'attributes',
  run: 'attributes',
};

const CLAUSE =
  /\s*([A-Za-z]+)\.(?:"([^"]+)"|`([^`]+)`|([\w./:-]+))\s*(!=|>=|<=|=|>|<)\s*(?:'([^']*)'|"([^"]*)"|(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))\s*/y;
const AND = /and\b/iy;

function parse(filter: string): Comparison[] {
  const comparisons: Comparison[] = [];
  let position = 0;
  while (position < filter.length) {
    CLAUSE.lastIndex = position;
    const match = CLAUSE.exec(filter);
    const entity = match ? ENTITY_ALIASES[(match[1] ?? '').toLowerCase()] : undefined;
    if (!match || !entity) {
      throw MlflowHttpError.invalidParameter(`Unsupported search filter near '${filter.slice(position)}'`);
    }
    const quoted = match[6] ?? match[7];
    comparisons.push({
      entity,
      key: match[2] ?? match[3] ?? match[4] ?? '',
      operator: match[5] as Operator,
      value: quoted ?? Number(match[8]),
    });
    position = CLAUSE.lastIndex;
    if (position < filter.length) {
      AND.lastIndex = position;
      if (!AND.test(filter))
        throw MlflowHttpError.invalidParameter(`Expected AND in search filter '${filter}'`);
      position = AND.lastIndex;
    }
  }
  return comparisons;
}

function compare(actual: string | number, operator: Operator, expected: string | number): boolean {
  switch (operator) {
    case '=':
      return actual === expected;
    case '!=':
      return actual !== expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
  }
}

function attribute(run: StoredRun, name: string): string | number | undefined {
  const attributes: Record<string, string | number | undefined> = {
    run_id: run.runId,
    run_name: run.runName,
    status: run.status,
    user_id: run.userId,
    artifact_uri: run.artifactUri,
    start_time: run.startTime,
    end_time: run.endTime,
  };
  if (!(name in attributes))
    throw MlflowHttpError.invalidParameter(`Invalid attribute key '${name}' specified.`);
  return attributes[name];
}

function actualValue(run: StoredRun, comparison: Comparison): string | number | undefined {
  switch (comparison.entity) {
    case 'metrics':
      return latestMetrics(run).find((metric) => metric.key === comparison.key)?.value;
    case 'params':
      return run.params.get(comparison.key);
    case 'tags':
      return run.tags.get(comparison.key);
    case 'attributes':
      return attribute(run, comparison.key);
  }
}

/** Compiles `filter` into a predicate; an empty filter matches every run. */
export function parseRunFilter(filter: string | undefined): (run: StoredRun) => boolean {
  const comparisons = parse(filter?.trim() ?? '');
  return (run) =>
    comparisons.every((comparison) => {
      const actual = actualValue(run, comparison);
      if (actual === undefined) return false;
      if (typeof actual !== typeof comparison.value) {
        throw MlflowHttpError.invalidParameter(
          `Cannot compare ${comparison.entity}.${comparison.key} with ${JSON.stringify(comparison.value)}`,
        );
      }
      return compare(actual, comparison.operator, comparison.value);
    });
}
