import type { RunStatus } from './tracking-schemas';

// Arguments of MlflowClient's methods, in camelCase; what comes back keeps MLflow's field names.

export interface CreateExperimentOptions {
  /** Where the experiment's artifacts go; by default the server's artifact root (`mlflow-artifacts:/<id>`). */
  artifactLocation?: string;
  tags?: Record<string, string>;
}

export interface MetricInput {
  key: string;
  value: number;
  /** Milliseconds since the epoch; defaults to the time logBatch is called. */
  timestamp?: number;
  step?: number;
}

export interface LogBatchInput {
  metrics?: MetricInput[];
  params?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface CreateRunInput {
  experimentId: string;
  runName?: string;
  /** Milliseconds since the epoch; defaults to now. */
  startTime?: number;
  tags?: Record<string, string>;
}

export interface UpdateRunInput {
  status?: RunStatus;
  endTime?: number;
  runName?: string;
}

export interface SearchRunsInput {
  experimentIds: string[];
  /** MLflow's filter syntax, e.g. `metrics.rmse < 1 and params.model = 'tree'`. */
  filter?: string;
  runViewType?: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
  maxResults?: number;
  orderBy?: string[];
  pageToken?: string;
}

export interface CreateModelVersionInput {
  name: string;
  /** Where the model's files are, e.g. the run's `artifact_uri` + `/model`. */
  source: string;
  runId?: string;
  runLink?: string;
  description?: string;
  tags?: Record<string, string>;
}

export interface ArtifactCallOptions {
  /** Overrides the client's timeout for this call; large uploads may need more. */
  timeoutMs?: number;
}
