import { randomUUID } from 'node:crypto';
import { findExperiment } from './experiment-routes';
import type { JsonRoutes } from './json-routes';
import { MlflowHttpError } from './mlflow-http-error';
import { paginate } from './page-token';
import type { RequestFields } from './request-fields';
import { parseRunFilter } from './run-filter';
import type { RunStatus, StoredRun, TestServerState } from './test-server-state';
import { runInfoJson, runJson } from './wire-format';

const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
const RUN_NAME_TAG = 'mlflow.runName';
const MAX_SEARCH_RESULTS = 50_000;
const VIEW_TYPES = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];
const ORDERABLE_ATTRIBUTES = ['start_time', 'end_time', 'run_name'] as const;

export function findRun(state: TestServerState, fields: RequestFields): StoredRun {
  // run_uuid is the deprecated spelling MLflow still accepts.
  const runId = fields.optionalString('run_id') || fields.string('run_uuid');
  const run = state.runs.get(runId);
  if (!run) throw MlflowHttpError.doesNotExist(`Run with id=${runId} not found`);
  return run;
}

function runStatus(value: string | undefined): RunStatus | undefined {
  if (value === undefined) return undefined;
  const status = RUN_STATUSES.find((candidate) => candidate === value);
  if (!status) throw MlflowHttpError.invalidParameter(`Invalid value '${value}' for parameter 'status'.`);
  return status;
}

/** Sorts by one `attributes.<name> [ASC|DESC]` clause; MLflow's default is start_time DESC, then run_id. */
function runOrder(orderBy: unknown[]): (a: StoredRun, b: StoredRun) => number {
  if (orderBy.length > 1) throw MlflowHttpError.invalidParameter('Only one order_by clause is supported.');
  const clause = orderBy[0] === undefined ? 'attributes.start_time DESC' : String(orderBy[0]);
  const match = /^(?:attributes?\.)?(\w+)(?:\s+(ASC|DESC))?$/i.exec(clause.trim());
  const attribute = ORDERABLE_ATTRIBUTES.find((name) => name === match?.[1]);
  if (!match || !attribute)
    throw MlflowHttpError.invalidParameter(`Unsupported order_by clause '${clause}'.`);
  const direction = match[2]?.toUpperCase() === 'ASC' ? 1 : -1;
  const key = { start_time: 'startTime', end_time: 'endTime', run_name: 'runName' } as const;
  return (a, b) => {
    const left = a[key[attribute]] ?? 0;
    const right = b[key[attribute]] ?? 0;
    if (left !== right) return (left < right ? -1 : 1) * direction;
    return a.runId < b.runId ? -1 : 1;
  };
}

export function runRoutes(state: TestServerState): JsonRoutes {
  return {
    'POST /mlflow/runs/create': (fields) => {
      const experiment = findExperiment(state, fields.string('experiment_id'));
      const runId = randomUUID().replaceAll('-', '');
      const runName = fields.optionalString('run_name') || `run-${runId.slice(0, 8)}`;
      const run: StoredRun = {
        runId,
        experimentId: experiment.experimentId,
        runName,
        userId: fields.optionalString('user_id') ?? '',
        status: 'RUNNING',
        startTime: fields.optionalInteger('start_time') ?? Date.now(),
        endTime: undefined,
        artifactUri: `${experiment.artifactLocation}/${runId}/artifacts`,
        params: new Map(),
        tags: new Map(fields.keyValues('tags').map(({ key, value }) => [key, value])),
        metricHistory: [],
      };
      // MLflow mirrors the run name into this tag, which is what its UI reads.
      run.tags.set(RUN_NAME_TAG, runName);
      state.runs.set(runId, run);
      return { run: runJson(run) };
    },

    'POST /mlflow/runs/update': (fields) => {
      const run = findRun(state, fields);
      run.status = runStatus(fields.optionalString('status')) ?? run.status;
      run.endTime = fields.optionalInteger('end_time') ?? run.endTime;
      const runName = fields.optionalString('run_name');
      if (runName) {
        run.runName = runName;
        run.tags.set(RUN_NAME_TAG, runName);
      }
      return { run_info: runInfoJson(run) };
    },

    'GET /mlflow/runs/get': (fields) => ({ run: runJson(findRun(state, fields)) }),

    'POST /mlflow/runs/search': (fields) => {
      const experimentIds = new Set(fields.list('experiment_ids').map(String));
      const viewType = fields.optionalString('run_view_type') ?? 'ACTIVE_ONLY';
      if (!VIEW_TYPES.includes(viewType)) {
        throw MlflowHttpError.invalidParameter(`Invalid value '${viewType}' for parameter 'run_view_type'.`);
      }
      const maxResults = fields.optionalInteger('max_results') ?? 1000;
      if (maxResults < 1 || maxResults > MAX_SEARCH_RESULTS) {
        throw MlflowHttpError.invalidParameter(
          `Invalid value for request parameter max_results. It must be at most ${MAX_SEARCH_RESULTS}, but got value ${maxResults}`,
        );
      }
      const matches = parseRunFilter(fields.optionalString('filter'));
      // No run is ever deleted here, so DELETED_ONLY finds nothing and ALL equals ACTIVE_ONLY.
      const runs = [...state.runs.values()]
        .filter((run) => viewType !== 'DELETED_ONLY' && experimentIds.has(run.experimentId) && matches(run))
        .sort(runOrder(fields.list('order_by')));
      const { page, nextPageToken } = paginate(runs, fields.optionalString('page_token'), maxResults);
      return {
        ...(page.length > 0 && { runs: page.map(runJson) }),
        ...(nextPageToken && { next_page_token: nextPageToken }),
      };
    },
  };
}
