import type { JsonRoutes } from './json-routes';
import { MlflowHttpError } from './mlflow-http-error';
import { paginate } from './page-token';
import { asRecord, RequestFields } from './request-fields';
import { findRun } from './run-routes';
import type { StoredMetric, TestServerState } from './test-server-state';
import { metricJson } from './wire-format';

// MLflow's LogBatch limits (mlflow/utils/validation.py), enforced like the real server so that a
// client which forgets to split its batches fails here too.
const MAX_METRICS = 1000;
const MAX_PARAMS_OR_TAGS = 100;
const MAX_ENTITIES = 1000;
const MAX_REQUEST_BYTES = 1_000_000;
const MAX_HISTORY_PAGE = 25_000;
const MAX_KEY_LENGTH = 250;
const MAX_PARAM_VALUE_LENGTH = 6000;
const MAX_TAG_VALUE_LENGTH = 8000;
const VALID_NAME = /^[/\w.\- :]*$/;
const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

function checkLimit(entityName: string, limit: number, length: number): void {
  if (length > limit) {
    throw MlflowHttpError.invalidParameter(
      `A batch logging request can contain at most ${limit} ${entityName}. Got ${length} ${entityName}. ` +
        `Please split up ${entityName} across multiple requests and try again.`,
    );
  }
}

function checkName(path: string, name: string): void {
  const normalized = name.split('/').some((part) => part === '' || part === '.' || part === '..');
  if (!VALID_NAME.test(name) || normalized || name.length > MAX_KEY_LENGTH) {
    throw MlflowHttpError.invalidParameter(
      `Invalid value ${JSON.stringify(name)} for parameter '${path}' supplied.`,
    );
  }
}

function checkLength(path: string, value: string, limit: number): void {
  if (value.length > limit) {
    throw MlflowHttpError.invalidParameter(`'${path}' exceeds the maximum length of ${limit} characters`);
  }
}

/** Protobuf JSON writes doubles as numbers, or as strings for NaN/±Infinity (and may quote any number). */
function parseDouble(path: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value in NON_FINITE) return NON_FINITE[value] ?? Number.NaN;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  throw MlflowHttpError.invalidParameter(
    `Invalid value ${JSON.stringify(value)} for parameter '${path}' supplied. Please specify value as a valid double (64-bit floating point)`,
  );
}

function parseMetric(item: unknown, index: number): StoredMetric {
  const path = `metrics[${index}]`;
  const record = asRecord(item, path);
  const fields = new RequestFields(record);
  const key = fields.string('key');
  checkName(`${path}.key`, key);
  if (record.value === undefined) {
    throw MlflowHttpError.invalidParameter(`Missing value for required parameter '${path}.value'.`);
  }
  const timestamp = fields.optionalInteger('timestamp');
  if (timestamp === undefined || timestamp < 0) {
    throw MlflowHttpError.invalidParameter(
      `Invalid value ${JSON.stringify(record.timestamp)} for parameter '${path}.timestamp' supplied. Timestamp must be a nonnegative long (64-bit integer)`,
    );
  }
  return {
    key,
    value: parseDouble(`${path}.value`, record.value),
    timestamp,
    step: fields.optionalInteger('step') ?? 0,
  };
}

const metricIdentity = (metric: StoredMetric) =>
  JSON.stringify([metric.key, metric.step, metric.timestamp, String(metric.value)]);

export function runDataRoutes(state: TestServerState): JsonRoutes {
  return {
    'POST /mlflow/runs/log-batch': (fields) => {
      if (fields.sizeInBytes > MAX_REQUEST_BYTES) {
        throw MlflowHttpError.invalidParameter(
          `Batched logging API requests must be at most ${MAX_REQUEST_BYTES} bytes, got a request of size ${fields.sizeInBytes}.`,
        );
      }
      const run = findRun(state, fields);
      const rawMetrics = fields.list('metrics');
      const params = fields.keyValues('params');
      const tags = fields.keyValues('tags');
      checkLimit('metrics', MAX_METRICS, rawMetrics.length);
      checkLimit('params', MAX_PARAMS_OR_TAGS, params.length);
      checkLimit('tags', MAX_PARAMS_OR_TAGS, tags.length);
      checkLimit('metrics, params, and tags', MAX_ENTITIES, rawMetrics.length + params.length + tags.length);
      const metrics = rawMetrics.map(parseMetric);
      params.forEach(({ key, value }, index) => {
        checkName(`params[${index}].key`, key);
        checkLength(`params[${index}].value`, value, MAX_PARAM_VALUE_LENGTH);
      });
      tags.forEach(({ key, value }, index) => {
        checkName(`tags[${index}].key`, key);
        checkLength(`tags[${index}].value`, value, MAX_TAG_VALUE_LENGTH);
      });
      const paramKeys = params.map(({ key }) => key);
      const duplicates = paramKeys.filter((key, index) => paramKeys.indexOf(key) !== index);
      if (duplicates.length > 0) {
        throw MlflowHttpError.invalidParameter(
          `Duplicate parameter keys have been submitted: ${JSON.stringify(duplicates)}. Please ensure the request contains only one param value per param key.`,
        );
      }
      // Params are write-once: the same value again is fine, a different one is an error.
      const changed = params.filter(({ key, value }) => run.params.has(key) && run.params.get(key) !== value);
      if (changed.length > 0) {
        throw MlflowHttpError.invalidParameter(
          `Changing param values is not allowed. Params were already logged='${JSON.stringify(changed)}' for run ID='${run.runId}'.`,
        );
      }
      // Validated as a whole first, so a rejected batch writes nothing.
      for (const { key, value } of params) run.params.set(key, value);
      for (const { key, value } of tags) run.tags.set(key, value);
      // Logging an identical (key, step, timestamp, value) again adds nothing, as in MLflow's SQL store.
      const known = new Set(run.metricHistory.map(metricIdentity));
      for (const metric of metrics) {
        const identity = metricIdentity(metric);
        if (known.has(identity)) continue;
        known.add(identity);
        run.metricHistory.push(metric);
      }
      return {};
    },

    'GET /mlflow/metrics/get-history': (fields) => {
      const run = findRun(state, fields);
      const metricKey = fields.string('metric_key');
      const maxResults = fields.optionalInteger('max_results');
      if (maxResults !== undefined && (maxResults < 1 || maxResults > MAX_HISTORY_PAGE)) {
        throw MlflowHttpError.invalidParameter(
          `Invalid value for parameter 'max_results': must be between 1 and ${MAX_HISTORY_PAGE}, got ${maxResults}.`,
        );
      }
      const history = run.metricHistory
        .filter((metric) => metric.key === metricKey)
        .sort((a, b) => a.timestamp - b.timestamp || a.step - b.step);
      // Without max_results MLflow answers the whole history in one response.
      const { page, nextPageToken } = paginate(
        history,
        fields.optionalString('page_token'),
        maxResults ?? history.length,
      );
      return {
        ...(page.length > 0 && { metrics: page.map(metricJson) }),
        ...(nextPageToken && { next_page_token: nextPageToken }),
      };
    },
  };
}
