import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  type BestModelMetric,
  errorBody,
  type JobFile,
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

  /** Undefined `epochs` or `metric` are left out of the request: the API's defaults apply. */
  trainCsv(fileUri: string, epochs: number | undefined, metric: BestModelMetric | undefined) {
    return this.post(jobAccepted, '/v1/train/csv', {
      train_file_s3: fileUri,
      epoch_num: epochs,
      best_model_metric: metric,
    });
  }

  trainFeedback(prefixUri: string, epochs: number | undefined, metric: BestModelMetric | undefined) {
    return this.post(jobAccepted, '/v1/train/human_feedback', {
      train_dir_s3: prefixUri,
      epoch_num: epochs,
      best_model_metric: metric,
    });
  }

  job(jobId: string) {
    return this.call(jobView, `/v1/jobs/${encodeURIComponent(jobId)}`, {});
  }

  /**
   * The predictions CSV of a SUCCEEDED predict job, as a stream. Only the wait for the answer is bounded:
   * the body of a large file may take longer than any request timeout.
   */
  /** One file of a job (`GET /v1/jobs/:id/output/:file`) as a stream. */
  async output(jobId: string, file: JobFile): Promise<Readable> {
    const path = `/v1/jobs/${encodeURIComponent(jobId)}/output/${file}`;
    const answered = new AbortController();
    const timer = setTimeout(() => answered.abort(new Error('no answer in time')), REQUEST_TIMEOUT_MS);
    try {
      const response = await this.send(path, { signal: answered.signal });
      if (!response.ok) await this.refused(response, `${this.baseUrl}${path}`);
      if (!response.body) return Readable.from([]);
      return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    } finally {
      clearTimeout(timer);
    }
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

  /** One request with the key; ApiRequestError NETWORK when there is no answer at all. */
  private async send(path: string, init: RequestInit): Promise<Response> {
    try {
      const auth: Record<string, string> = this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {};
      const headers = { ...(init.headers as Record<string, string> | undefined), ...auth };
      return await fetch(`${this.baseUrl}${path}`, {
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        ...init,
        headers,
      });
    } catch (error) {
      throw new ApiRequestError(0, 'NETWORK', `cannot reach ${this.baseUrl}: ${describe(error)}`);
    }
  }

  private async text(response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw new ApiRequestError(
        0,
        'NETWORK',
        `the answer from ${this.baseUrl} broke off: ${describe(error)}`,
      );
    }
  }

  private parsed(response: Response, url: string, text: string): unknown {
    try {
      return JSON.parse(text);
    } catch {
      throw new ApiRequestError(
        response.status,
        'BAD_ANSWER',
        `${url} answered ${response.status} without JSON`,
      );
    }
  }

  /** An error answer as the API's own code and message. */
  private async refused(response: Response, url: string): Promise<never> {
    const problem = errorBody.safeParse(this.parsed(response, url, await this.text(response)));
    if (!problem.success)
      throw new ApiRequestError(response.status, 'HTTP', `${url} answered ${response.status}`);
    const { code, message, details } = problem.data.error;
    throw new ApiRequestError(response.status, code, message, details);
  }

  private async call<S extends z.ZodType>(schema: S, path: string, init: RequestInit): Promise<z.infer<S>> {
    const url = `${this.baseUrl}${path}`;
    const response = await this.send(path, init);
    if (!response.ok) await this.refused(response, url);
    const json = this.parsed(response, url, await this.text(response));
    const answer = schema.safeParse(json);
    if (!answer.success) {
      throw new ApiRequestError(response.status, 'BAD_ANSWER', `${url} answered an unexpected shape`);
    }
    return answer.data;
  }
}
