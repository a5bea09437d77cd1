import {
  errorBody,
  healthAnswer,
  jobAccepted,
  jobFileParams,
  jobIdParams,
  jobList,
  jobView,
  listJobsQuery,
  modelList,
  modelVersionParams,
  modelView,
  monitoringAnswer,
  monitoringQuery,
  predictAnswer,
  predictCsvRequest,
  predictRequest,
  readinessAnswer,
  trainCsvRequest,
  trainFeedbackRequest,
  uploadAnswer,
  uploadQuery,
} from '@shelfwise/contracts';
import { z } from 'zod';
import type { Operation, OperationResponse } from './operation';

const problem = (description: string): OperationResponse => ({ description, schema: errorBody });
const unavailable = problem('MySQL, Redis or S3 unreachable (`Retry-After` says when to retry)');
const invalid = problem('INVALID_REQUEST: the fields at fault are in `details`');

const idempotencyKey = {
  'Idempotency-Key': {
    description:
      "scoped to the API key: the same key with the same body answers 200 with that key's first job; with another body, 409; another API key's use of it is another request",
    schema: z.string().min(1).max(255),
  },
};

const submitResponses = (source: string): Record<number, OperationResponse> => ({
  202: {
    description: 'the job is recorded and queued',
    schema: jobAccepted,
    headers: { Location: 'the job: `/v1/jobs/<id>`' },
  },
  200: { description: 'an idempotent replay: the job the first request made', schema: jobAccepted },
  400: invalid,
  404: problem(`NOT_FOUND: nothing at ${source}`),
  409: problem('CONFLICT: the Idempotency-Key was used for another request'),
  413: problem('PAYLOAD_TOO_LARGE: a body over 1 MB'),
  503: problem('UNAVAILABLE or ENQUEUE_FAILED (`details.job_id`)'),
});

/** Every route the gateway serves, as documented in /openapi.json; a test holds it equal to the app's routes. */
export const OPERATIONS: Operation[] = [
  {
    method: 'post',
    path: '/v1/predict/csv',
    operationId: 'predictCsv',
    summary: 'Classify every row of a CSV in S3 (job `PREDICT_CSV`)',
    tag: 'jobs',
    headers: idempotencyKey,
    body: { schema: predictCsvRequest },
    responses: submitResponses('`input_file_s3`'),
  },
  {
    method: 'post',
    path: '/v1/train/csv',
    operationId: 'trainCsv',
    summary: 'Train a model version from one CSV (`product_description,Category`)',
    tag: 'jobs',
    headers: idempotencyKey,
    body: { schema: trainCsvRequest },
    responses: submitResponses('`train_file_s3`'),
  },
  {
    method: 'post',
    path: '/v1/train/human_feedback',
    operationId: 'trainFeedback',
    summary: 'Train a model version from every CSV under a prefix (training and feedback files)',
    tag: 'jobs',
    headers: idempotencyKey,
    body: { schema: trainFeedbackRequest },
    responses: submitResponses('`train_dir_s3` (no object under the prefix)'),
  },
  {
    method: 'get',
    path: '/v1/jobs',
    operationId: 'listJobs',
    summary: "List jobs, newest first (a client key's own); pass `next_cursor` back as `cursor`",
    tag: 'jobs',
    query: listJobsQuery,
    responses: { 200: { description: 'one page', schema: jobList }, 400: invalid, 503: unavailable },
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}',
    operationId: 'getJob',
    summary: 'A job: status, progress, timestamps, result, error',
    tag: 'jobs',
    pathParams: jobIdParams.shape,
    responses: {
      200: { description: 'the job', schema: jobView },
      404: problem("NOT_FOUND: no such job, or another client key's"),
      503: unavailable,
    },
  },
  {
    method: 'post',
    path: '/v1/jobs/{id}/cancel',
    operationId: 'cancelJob',
    summary: 'Cancel a queued or running job',
    tag: 'jobs',
    pathParams: jobIdParams.shape,
    responses: {
      200: { description: 'the cancelled job', schema: jobView },
      404: problem('NOT_FOUND'),
      409: problem('CONFLICT: the job already ended (`details.status`)'),
      503: unavailable,
    },
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/output',
    operationId: 'getJobOutput',
    summary: 'Download the predictions CSV of a SUCCEEDED predict job',
    tag: 'jobs',
    pathParams: jobIdParams.shape,
    responses: {
      200: {
        description: 'the predictions: every input column plus `predicted_category` and `confidence`',
        contentType: 'text/csv',
        headers: { 'Content-Disposition': 'attachment; filename=predictions-<job id>.csv' },
      },
      404: problem('NOT_FOUND: no such job, or its output object is gone'),
      409: problem('CONFLICT: not a predict job, or not SUCCEEDED (`details.status`)'),
      503: unavailable,
    },
  },
  {
    method: 'get',
    path: '/v1/jobs/{id}/output/{file}',
    operationId: 'getJobFile',
    summary: 'Download a file of a SUCCEEDED predict job: its predictions, feedback or review CSV',
    tag: 'jobs',
    pathParams: jobFileParams.shape,
    responses: {
      200: {
        description:
          'the CSV. `review`: the unlabelled rows below REVIEW_CONFIDENCE, their input columns and an empty `HUMAN_VERIFIED_Category`: fill it in, upload it and submit it to POST /v1/predict/csv, and its rows become feedback',
        contentType: 'text/csv',
        headers: { 'Content-Disposition': 'attachment; filename=<file>-<job id>.csv' },
      },
      400: problem('INVALID_REQUEST: not one of the files'),
      404: problem('NOT_FOUND: no such job, the job wrote no such file, or the object is gone'),
      409: problem('CONFLICT: not a predict job, or not SUCCEEDED (`details.status`)'),
      503: unavailable,
    },
  },
  {
    method: 'post',
    path: '/v1/uploads',
    operationId: 'upload',
    summary:
      "Store a CSV in the dataset bucket (streamed, up to 200 MB; a client key's under `clients/<key id>/`) and answer its s3:// URI",
    tag: 'data',
    query: uploadQuery,
    body: {
      schema: z.string().describe('the CSV file, as it is'),
      contentType: 'text/csv',
      description: 'the CSV file',
    },
    responses: {
      201: { description: 'stored at `uri`', schema: uploadAnswer },
      400: problem('INVALID_REQUEST: a bad name, another Content-Type, or an empty body'),
      413: problem('PAYLOAD_TOO_LARGE: over 200 MB'),
      503: unavailable,
    },
  },
  {
    method: 'post',
    path: '/v1/predict',
    operationId: 'predict',
    summary: 'Classify up to 1,000 texts now (answered by a worker through the online queue)',
    tag: 'predict',
    body: { schema: predictRequest },
    responses: {
      200: { description: 'one prediction per text, in order', schema: predictAnswer },
      400: invalid,
      413: problem('PAYLOAD_TOO_LARGE: a body over 1 MB'),
      503: problem('NO_MODEL, TIMEOUT or UNAVAILABLE'),
    },
  },
  {
    method: 'get',
    path: '/v1/models',
    operationId: 'listModels',
    summary: 'Every model version, newest first',
    tag: 'models',
    responses: { 200: { description: 'the registry', schema: modelList }, 503: unavailable },
  },
  {
    method: 'get',
    path: '/v1/models/{version}',
    operationId: 'getModel',
    summary: 'One model version with its metrics',
    tag: 'models',
    pathParams: modelVersionParams.shape,
    responses: {
      200: { description: 'the version', schema: modelView },
      400: invalid,
      404: problem('NOT_FOUND'),
      503: unavailable,
    },
  },
  {
    method: 'post',
    path: '/v1/models/{version}/promote',
    operationId: 'promoteModel',
    access: 'admin',
    summary: 'Make a READY version the serving one; the previous one becomes ARCHIVED',
    tag: 'models',
    pathParams: modelVersionParams.shape,
    responses: {
      200: { description: 'the promoted version', schema: modelView },
      400: invalid,
      404: problem('NOT_FOUND'),
      409: problem('CONFLICT: the version is not READY'),
      503: unavailable,
    },
  },
  {
    method: 'get',
    path: '/v1/monitoring',
    operationId: 'monitoring',
    summary: 'Monitored F1 and min F1 over time (one point per inference job with verified labels)',
    tag: 'models',
    query: monitoringQuery,
    responses: {
      200: {
        description: "the points, oldest first (30 days by default); a client key's own jobs' points only",
        schema: monitoringAnswer,
      },
      400: invalid,
      503: unavailable,
    },
  },
  {
    method: 'get',
    path: '/healthz',
    access: 'open',
    operationId: 'health',
    summary: 'Liveness: the process answers (no dependency is called)',
    tag: 'operations',
    responses: { 200: { description: 'alive', schema: healthAnswer } },
  },
  {
    method: 'get',
    path: '/readyz',
    access: 'open',
    operationId: 'ready',
    summary: 'Readiness of MySQL, Redis and S3, each with its latency',
    tag: 'operations',
    responses: {
      200: { description: 'every dependency answers', schema: readinessAnswer },
      503: { description: 'a dependency is down', schema: readinessAnswer },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    access: 'open',
    operationId: 'metrics',
    summary: 'Prometheus metrics of this process (requests, queue depths, model quality)',
    tag: 'operations',
    responses: { 200: { description: 'Prometheus text exposition format', contentType: 'text/plain' } },
  },
  {
    method: 'get',
    path: '/openapi.json',
    access: 'open',
    operationId: 'openapi',
    summary: 'This document (OpenAPI 3.1); browse it at /docs',
    tag: 'operations',
    responses: { 200: { description: 'the OpenAPI document', schema: z.record(z.string(), z.unknown()) } },
  },
];

export const API_INFO = {
  title: 'shelfwise',
  version: '1',
  description:
    'Classifies product descriptions into shop categories. Jobs are recorded in MySQL and run by workers; ' +
    'errors are `{error: {code, message, details}}`. A client key sees only its own jobs and monitoring ' +
    "points (another key's job answers 404), uploads into `clients/<key id>/` of the dataset bucket, and may " +
    'name as an input only that namespace, prefixes an admin granted it and the outputs of its own jobs ' +
    "(403 otherwise; system prefixes such as feedback, review, models and other jobs' outputs never). " +
    'Admin keys see and read everything.',
};
