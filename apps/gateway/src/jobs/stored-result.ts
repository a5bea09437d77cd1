import type { JobView } from '@shelfwise/contracts';

type JobDetails = NonNullable<JobView['result']>['details'];

/**
 * Result fields as workers stored them before job results became snake_case. Rows keep what they were
 * written with, and during a rolling upgrade an older worker still writes these names.
 */
const CAMEL_CASE_NAMES: Record<string, string> = {
  outputUri: 'output_uri',
  labelledRows: 'labelled_rows',
  feedbackUri: 'feedback_uri',
  modelVersion: 'model_version',
  datasetHash: 'dataset_hash',
  weightedF1: 'weighted_f1',
  minF1: 'min_f1',
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const renamed = (value: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(value).map(([key, field]) => [CAMEL_CASE_NAMES[key] ?? key, field]));

/**
 * A job row's result in the API's names, whenever it was written. Only the result's own fields and a
 * predict job's figures (`weightedF1`, `minF1`) are renamed: a training job's metrics were snake_case
 * already and are keyed by label in places, which must stay as they are. Results are written only by
 * workers, whose handlers return the catalog's result types; the view shows them as they are.
 */
export function storedResult(result: unknown): JobDetails {
  if (!isRecord(result)) return null;
  const fields = renamed(result);
  if (isRecord(fields.metrics) && 'weightedF1' in fields.metrics) fields.metrics = renamed(fields.metrics);
  return fields as JobDetails;
}
