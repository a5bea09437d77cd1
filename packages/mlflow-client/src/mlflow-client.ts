import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { z } from 'zod';
import { type ArtifactBody, artifactRequestBody } from './artifact-body';
import { artifactProxyListPath, artifactProxyUrl } from './artifact-location';
import { MlflowApiError } from './mlflow-api-error';
import type {
  ArtifactCallOptions,
  CreateExperimentOptions,
  CreateModelVersionInput,
  CreateRunInput,
  LogBatchInput,
  SearchRunsInput,
  UpdateRunInput,
} from './mlflow-client-inputs';
import type { MlflowClientOptions } from './mlflow-client-options';
import { MlflowResponseError } from './mlflow-response-error';
import { MlflowTransport } from './mlflow-transport';
import {
  type ModelVersion,
  modelVersionSchema,
  type RegisteredModel,
  registeredModelSchema,
} from './registry-schemas';
import { splitLogBatch, type WireMetric } from './split-log-batch';
import {
  type ArtifactFileInfo,
  type Experiment,
  experimentSchema,
  fileInfoSchema,
  type Metric,
  metricSchema,
  type Run,
  type RunInfo,
  runInfoSchema,
  runSchema,
} from './tracking-schemas';

const API = '/api/2.0/mlflow';
const emptySchema = z.object({});

const keyValues = (record: Record<string, string> = {}) =>
  Object.entries(record).map(([key, value]) => ({ key, value }));

/** A typed client for MLflow's REST API 2.0: tracking, artifact proxy and model registry. */
export class MlflowClient {
  private readonly transport: MlflowTransport;

  constructor(options: MlflowClientOptions) {
    this.transport = new MlflowTransport(options);
  }

  // --- Experiments ---------------------------------------------------------------------------

  /** The experiment with this name (active or deleted), or undefined when there is none. */
  async findExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const { experiment } = await this.transport.json(
        { method: 'GET', target: `${API}/experiments/get-by-name`, query: { experiment_name: name } },
        z.object({ experiment: experimentSchema }),
      );
      return experiment;
    } catch (error) {
      if (error instanceof MlflowApiError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    }
  }

  /**
   * Creates an experiment and returns its id. When the name is taken (RESOURCE_ALREADY_EXISTS) the
   * existing experiment's id is returned: it may be ours, created by an attempt whose response was
   * lost and then retried, or a concurrent creator's.
   */
  async createExperiment(name: string, options: CreateExperimentOptions = {}): Promise<string> {
    try {
      const { experiment_id } = await this.transport.json(
        {
          method: 'POST',
          target: `${API}/experiments/create`,
          json: { name, artifact_location: options.artifactLocation, tags: keyValues(options.tags) },
        },
        z.object({ experiment_id: z.string() }),
      );
      return experiment_id;
    } catch (error) {
      if (!(error instanceof MlflowApiError) || error.errorCode !== 'RESOURCE_ALREADY_EXISTS') throw error;
      const existing = await this.findExperimentByName(name);
      if (!existing) throw error;
      return existing.experiment_id;
    }
  }

  /** The id of the experiment with this name, created (with `options`) if missing. */
  async getOrCreateExperiment(name: string, options: CreateExperimentOptions = {}): Promise<string> {
    const existing = await this.findExperimentByName(name);
    return existing?.experiment_id ?? this.createExperiment(name, options);
  }

  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.transport.json(
      {
        method: 'POST',
        target: `${API}/experiments/set-experiment-tag`,
        json: { experiment_id: experimentId, key, value },
      },
      emptySchema,
    );
  }

  // --- Runs ----------------------------------------------------------------------------------

  async createRun(input: CreateRunInput): Promise<Run> {
    const { run } = await this.transport.json(
      {
        method: 'POST',
        target: `${API}/runs/create`,
        json: {
          experiment_id: input.experimentId,
          run_name: input.runName,
          start_time: input.startTime ?? Date.now(),
          tags: keyValues(input.tags),
        },
      },
      z.object({ run: runSchema }),
    );
    return run;
  }

  async updateRun(runId: string, input: UpdateRunInput): Promise<RunInfo> {
    const { run_info } = await this.transport.json(
      {
        method: 'POST',
        target: `${API}/runs/update`,
        json: { run_id: runId, status: input.status, end_time: input.endTime, run_name: input.runName },
      },
      z.object({ run_info: runInfoSchema }),
    );
    return run_info;
  }

  /** Marks a run as ended; MLflow does not set end_time by itself, so this sends it. */
  endRun(
    runId: string,
    status: 'FINISHED' | 'FAILED' | 'KILLED' = 'FINISHED',
    endTime = Date.now(),
  ): Promise<RunInfo> {
    return this.updateRun(runId, { status, endTime });
  }

  /** The run with its params, tags and the latest value of each metric. */
  async getRun(runId: string): Promise<Run> {
    const { run } = await this.transport.json(
      { method: 'GET', target: `${API}/runs/get`, query: { run_id: runId } },
      z.object({ run: runSchema }),
    );
    return run;
  }

  /** One page of runs; pass the returned nextPageToken back for the next one. */
  async searchRuns(input: SearchRunsInput): Promise<{ runs: Run[]; nextPageToken: string | undefined }> {
    const response = await this.transport.json(
      {
        method: 'POST',
        target: `${API}/runs/search`,
        json: {
          experiment_ids: input.experimentIds,
          filter: input.filter,
          run_view_type: input.runViewType,
          max_results: input.maxResults,
          order_by: input.orderBy,
          page_token: input.pageToken,
        },
      },
      z.object({ runs: z.array(runSchema).default([]), next_page_token: z.string().optional() }),
    );
    return { runs: response.runs, nextPageToken: response.next_page_token || undefined };
  }

  /**
   * Logs metrics, params and tags, in as many requests as MLflow's batch limits need, one after the
   * other. Metric timestamps are fixed before the first request, so replaying the same call after a
   * failure does not duplicate anything: MLflow ignores an identical metric, param or tag.
   */
  async logBatch(runId: string, input: LogBatchInput): Promise<void> {
    const now = Date.now();
    const metrics: WireMetric[] = (input.metrics ?? []).map((metric) => ({
      key: metric.key,
      value: metric.value,
      timestamp: metric.timestamp ?? now,
      step: metric.step ?? 0,
    }));
    const chunks = splitLogBatch({ metrics, params: keyValues(input.params), tags: keyValues(input.tags) });
    for (const chunk of chunks) {
      await this.transport.json(
        { method: 'POST', target: `${API}/runs/log-batch`, json: { run_id: runId, ...chunk } },
        emptySchema,
      );
    }
  }

  /** Every value logged for one metric of a run, following MLflow's pages of `pageSize`. */
  async getMetricHistory(
    runId: string,
    metricKey: string,
    options: { pageSize?: number } = {},
  ): Promise<Metric[]> {
    const metrics: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.transport.json(
        {
          method: 'GET',
          target: `${API}/metrics/get-history`,
          query: {
            run_id: runId,
            metric_key: metricKey,
            max_results: options.pageSize,
            page_token: pageToken,
          },
        },
        z.object({ metrics: z.array(metricSchema).default([]), next_page_token: z.string().optional() }),
      );
      metrics.push(...page.metrics);
      pageToken = page.next_page_token || undefined;
    } while (pageToken);
    return metrics;
  }

  // --- Artifacts (through the tracking server's proxy) ----------------------------------------

  /**
   * Uploads one file to `path` below a run's artifact root (`run.info.artifact_uri`). Streams are
   * sent as they are read; see ArtifactBody for when an upload can be retried.
   */
  async uploadArtifact(
    artifactUri: string,
    path: string,
    body: ArtifactBody | (() => ArtifactBody),
    options: ArtifactCallOptions & { contentType?: string } = {},
  ): Promise<void> {
    await this.transport.json(
      {
        method: 'PUT',
        target: artifactProxyUrl(this.transport.trackingUrl, artifactUri, path).href,
        body: artifactRequestBody(body, options.contentType ?? 'application/octet-stream'),
        timeoutMs: options.timeoutMs,
      },
      emptySchema,
    );
  }

  /** Streams one artifact file; the timeout covers the wait for the response, not the reading. */
  async downloadArtifact(
    artifactUri: string,
    path: string,
    options: ArtifactCallOptions = {},
  ): Promise<Readable> {
    return this.transport.send(
      {
        method: 'GET',
        target: artifactProxyUrl(this.transport.trackingUrl, artifactUri, path).href,
        timeoutMs: options.timeoutMs,
      },
      async (response, label) => {
        if (!response.body) throw new MlflowResponseError(`${label} answered without a body`, label);
        return Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
      },
    );
  }

  /** Files and directories directly under `path` (default: the root), with paths relative to the root. */
  async listArtifacts(artifactUri: string, path = ''): Promise<ArtifactFileInfo[]> {
    const { files } = await this.transport.json(
      {
        method: 'GET',
        target: '/api/2.0/mlflow-artifacts/artifacts',
        query: { path: artifactProxyListPath(this.transport.trackingUrl, artifactUri, path) },
      },
      z.object({ files: z.array(fileInfoSchema).default([]) }),
    );
    // The proxy names entries by basename; MLflow's Python client joins them onto the listed path.
    const prefix = path.replace(/^\/+|\/+$/g, '');
    return files.map((file) => ({ ...file, path: prefix ? `${prefix}/${file.path}` : file.path }));
  }

  // --- Model registry ------------------------------------------------------------------------

  async createRegisteredModel(
    name: string,
    options: { description?: string; tags?: Record<string, string> } = {},
  ): Promise<RegisteredModel> {
    const { registered_model } = await this.transport.json(
      {
        method: 'POST',
        target: `${API}/registered-models/create`,
        json: { name, description: options.description, tags: keyValues(options.tags) },
      },
      z.object({ registered_model: registeredModelSchema }),
    );
    return registered_model;
  }

  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    const { registered_model } = await this.transport.json(
      { method: 'GET', target: `${API}/registered-models/get`, query: { name } },
      z.object({ registered_model: registeredModelSchema }),
    );
    return registered_model;
  }

  async createModelVersion(input: CreateModelVersionInput): Promise<ModelVersion> {
    const { model_version } = await this.transport.json(
      {
        method: 'POST',
        target: `${API}/model-versions/create`,
        json: {
          name: input.name,
          source: input.source,
          run_id: input.runId,
          run_link: input.runLink,
          description: input.description,
          tags: keyValues(input.tags),
        },
      },
      z.object({ model_version: modelVersionSchema }),
    );
    return model_version;
  }

  async getModelVersion(name: string, version: string | number): Promise<ModelVersion> {
    const { model_version } = await this.transport.json(
      { method: 'GET', target: `${API}/model-versions/get`, query: { name, version: String(version) } },
      z.object({ model_version: modelVersionSchema }),
    );
    return model_version;
  }

  /** Points `alias` at `version`, moving it if it pointed elsewhere. */
  async setRegisteredModelAlias(name: string, alias: string, version: string | number): Promise<void> {
    await this.transport.json(
      {
        method: 'POST',
        target: `${API}/registered-models/alias`,
        json: { name, alias, version: String(version) },
      },
      emptySchema,
    );
  }

  async deleteRegisteredModelAlias(name: string, alias: string): Promise<void> {
    await this.transport.json(
      { method: 'DELETE', target: `${API}/registered-models/alias`, json: { name, alias } },
      emptySchema,
    );
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    const { model_version } = await this.transport.json(
      { method: 'GET', target: `${API}/registered-models/alias`, query: { name, alias } },
      z.object({ model_version: modelVersionSchema }),
    );
    return model_version;
  }
}
