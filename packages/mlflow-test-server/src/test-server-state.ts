// In-memory model of what an MLflow tracking server stores. Maps keep insertion order, which the
// handlers rely on for stable listings.

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface StoredExperiment {
  experimentId: string;
  name: string;
  artifactLocation: string;
  creationTime: number;
  lastUpdateTime: number;
  tags: Map<string, string>;
}

export interface StoredMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface StoredRun {
  runId: string;
  experimentId: string;
  runName: string;
  userId: string;
  status: RunStatus;
  startTime: number;
  endTime: number | undefined;
  artifactUri: string;
  params: Map<string, string>;
  tags: Map<string, string>;
  /** Every distinct (key, step, timestamp, value) logged, in arrival order. */
  metricHistory: StoredMetric[];
}

export interface StoredModelVersion {
  version: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  source: string;
  runId: string | undefined;
  runLink: string | undefined;
  description: string | undefined;
  tags: Map<string, string>;
}

export interface StoredRegisteredModel {
  name: string;
  creationTimestamp: number;
  lastUpdatedTimestamp: number;
  description: string | undefined;
  tags: Map<string, string>;
  versions: StoredModelVersion[];
  /** alias → version number */
  aliases: Map<string, string>;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/2.0/mlflow/runs/log-batch`. */
  path: string;
  /** The HTTP status answered, or undefined while in flight or when the client went away first. */
  status: number | undefined;
  hadAuthorization: boolean;
}

export interface TestServerState {
  experiments: Map<string, StoredExperiment>;
  runs: Map<string, StoredRun>;
  registeredModels: Map<string, StoredRegisteredModel>;
  /** Artifact bytes keyed by their path under the artifact root, e.g. `1/<run>/artifacts/model.bin`. */
  artifacts: Map<string, Buffer>;
  requests: RecordedRequest[];
  nextExperimentId: number;
}

export function createTestServerState(now = Date.now()): TestServerState {
  // Like MLflow, experiment 0 ("Default") always exists.
  const defaultExperiment: StoredExperiment = {
    experimentId: '0',
    name: 'Default',
    artifactLocation: 'mlflow-artifacts:/0',
    creationTime: now,
    lastUpdateTime: now,
    tags: new Map(),
  };
  return {
    experiments: new Map([['0', defaultExperiment]]),
    runs: new Map(),
    registeredModels: new Map(),
    artifacts: new Map(),
    requests: [],
    nextExperimentId: 1,
  };
}
