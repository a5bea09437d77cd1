import type {
  StoredExperiment,
  StoredMetric,
  StoredModelVersion,
  StoredRegisteredModel,
  StoredRun,
} from './test-server-state';

// Protobuf JSON (what MLflow answers with) leaves out empty repeated fields and unset optional
// ones, and writes non-finite doubles as strings; clients must cope with both, so we do the same.

type Json = Record<string, unknown>;

const keyValues = (entries: Map<string, string>) => [...entries].map(([key, value]) => ({ key, value }));

function withoutEmpty(object: Json): Json {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) => value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  );
}

function doubleJson(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export function metricJson(metric: StoredMetric): Json {
  return { key: metric.key, value: doubleJson(metric.value), timestamp: metric.timestamp, step: metric.step };
}

export function experimentJson(experiment: StoredExperiment): Json {
  return withoutEmpty({
    experiment_id: experiment.experimentId,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: 'active',
    last_update_time: experiment.lastUpdateTime,
    creation_time: experiment.creationTime,
    tags: keyValues(experiment.tags),
  });
}

export function runInfoJson(run: StoredRun): Json {
  return withoutEmpty({
    run_id: run.runId,
    run_uuid: run.runId,
    run_name: run.runName,
    experiment_id: run.experimentId,
    user_id: run.userId,
    status: run.status,
    start_time: run.startTime,
    end_time: run.endTime,
    artifact_uri: run.artifactUri,
    lifecycle_stage: 'active',
  });
}

/** GetRun reports one value per metric key: the latest timestamp, ties broken by the larger value. */
export function latestMetrics(run: StoredRun): StoredMetric[] {
  const latest = new Map<string, StoredMetric>();
  for (const metric of run.metricHistory) {
    const current = latest.get(metric.key);
    const newer =
      !current ||
      metric.timestamp > current.timestamp ||
      (metric.timestamp === current.timestamp && metric.value > current.value);
    if (newer) latest.set(metric.key, metric);
  }
  return [...latest.values()];
}

export function runJson(run: StoredRun): Json {
  return {
    info: runInfoJson(run),
    data: withoutEmpty({
      metrics: latestMetrics(run).map(metricJson),
      params: keyValues(run.params),
      tags: keyValues(run.tags),
    }),
    inputs: {},
  };
}

export function modelVersionJson(model: StoredRegisteredModel, version: StoredModelVersion): Json {
  return withoutEmpty({
    name: model.name,
    version: version.version,
    creation_timestamp: version.creationTimestamp,
    last_updated_timestamp: version.lastUpdatedTimestamp,
    current_stage: 'None',
    description: version.description,
    source: version.source,
    run_id: version.runId,
    status: 'READY',
    tags: keyValues(version.tags),
    run_link: version.runLink,
    aliases: [...model.aliases].filter(([, target]) => target === version.version).map(([alias]) => alias),
  });
}

export function registeredModelJson(model: StoredRegisteredModel): Json {
  // Every version stays in stage "None" here, so the latest version per stage is just the newest one.
  const newest = model.versions.at(-1);
  return withoutEmpty({
    name: model.name,
    creation_timestamp: model.creationTimestamp,
    last_updated_timestamp: model.lastUpdatedTimestamp,
    description: model.description,
    latest_versions: newest ? [modelVersionJson(model, newest)] : [],
    tags: keyValues(model.tags),
    aliases: [...model.aliases].map(([alias, version]) => ({ alias, version })),
  });
}
