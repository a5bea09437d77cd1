import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  type BestModelMetric,
  errorBody,
  jobAccepted,
  jobView,
  modelList,
  modelView,
  uploadAnswer,
} from '@shelfwise/contracts';
import type { z } from 'zod';
import { ApiRequestError } from './api-request-error';

const REQUEST_TIMEOUT_MS = 30_000;

const describe = (error: unknown) =>
  error instanceof Error
    ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`
    : String(error);

/** The gateway's /v1 API, every answer checked against the contracts' schemas. */
export class ShelfwiseClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey?: string | undefined,
  ) {}

  /** Streams the file (memory stays flat for a 200 MB CSV). */
  async upload(file: string, name: string) {
    const { size } = await stat(file);
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    return this.call(uploadAnswer, `/v1/uploads?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', 'content-length': String(size) },
      body,
      duplex: 'half',
    });
  }

  predictCsv(inputUri: string) {
    return this.post(jobAccepted, '/v1/predict/csv', { input_file_s3: inputUri });
  }

  trainCsv(fileUri: string, epochs: number, metric: BestModelMetric) {
    return this.post(jobAccepted, '/v1/train/csv', {
      train_file_s3: fileUri,
      epoch_num: epochs,
      best_model_metric: metric,
    });
  }

  trainFeedback(prefixUri: string, epochs: number, metric: BestModelMetric) {
    return this.post(jobAccepted, '/v1/train/human_feedback', {
      train_dir_s3: prefixUri,
      epoch_num: epochs,
      best_model_metric: metric,
    });
  }

  job(jobId: string) {
    return this.call(jobView, `/v1/jobs/${encodeURIComponent(jobId)}`, {});
  }

  models() {
    return this.call(modelList, '/v1/models', {});
  }

  promote(version: number) {
    return this.post(modelView, `/v1/models/${version}/promote`, {});
  }

  private post<S extends z.ZodType>(schema: S, path: string, body: unknown) {
    return this.call(schema, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  }

  private async call<S extends z.ZodType>(schema: S, path: string, init: RequestInit): Promise<z.infer<S>> {
    const url = `${this.baseUrl}${path}`;
    let response: Response;
    let text: string;
    try {
      const auth: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
      const headers = { ...(init.headers as Record<string, string> | undefined), ...auth };
      response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), ...init, headers });
      text = await response.text();
    } catch (error) {
      throw new ApiRequestError(0, 'NETWORK', `cannot reach ${this.baseUrl}: ${describe(error)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ApiRequestError(
        response.status,
        'BAD_ANSWER',
        `${url} answered ${response.status} without JSON`,
      );
    }
    if (!response.ok) {
      const problem = errorBody.safeParse(json);
      if (!problem.success)
        throw new ApiRequestError(response.status, 'HTTP', `${url} answered ${response.status}`);
      const { code, message, details } = problem.data.error;
      throw new ApiRequestError(response.status, code, message, details);
    }
    const answer = schema.safeParse(json);
    if (!answer.success) {
      throw new ApiRequestError(response.status, 'BAD_ANSWER', `${url} answered an unexpected shape`);
    }
    return answer.data;
  }
}
