import { setTimeout as sleep } from 'node:timers/promises';
import type { z } from 'zod';
import { MlflowApiError } from './mlflow-api-error';
import type { MlflowClientOptions, MlflowRetryOptions } from './mlflow-client-options';
import { MlflowNetworkError } from './mlflow-network-error';
import { MlflowResponseError } from './mlflow-response-error';
import { MlflowTimeoutError } from './mlflow-timeout-error';
import { retryDelayMs } from './retry-delay';
import { protobufJsonReplacer } from './wire-values';

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRY: MlflowRetryOptions = { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 5_000 };
const MAX_ERROR_TEXT = 500;

export interface TransportRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An absolute URL, or a path below the tracking URI such as `/api/2.0/mlflow/runs/get`. */
  target: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as protobuf-style JSON. */
  json?: unknown;
  /** A raw body, produced afresh for each attempt; `replayable: false` when it can be produced once only. */
  body?: { create: () => NonNullable<RequestInit['body']>; contentType: string; replayable: boolean };
  timeoutMs?: number;
}

type Attempt<T> =
  | { ok: true; value: T }
  | { ok: false; error: Error; retryable: boolean; retryAfter: string | null };

const isRetryableStatus = (status: number) => status === 429 || status >= 500;

/** Sends MLflow requests with auth, a timeout per attempt, retries with backoff, and typed errors. */
export class MlflowTransport {
  private readonly baseUrl: URL;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly retry: MlflowRetryOptions;
  private readonly fetchImpl: typeof fetch;
  private readonly onRetry: MlflowClientOptions['onRetry'];

  constructor(options: MlflowClientOptions) {
    const url = new URL(options.trackingUri);
    const auth =
      options.auth ??
      (url.username
        ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
        : undefined);
    // Credentials travel in the Authorization header only, so no URL we build or report holds them.
    url.username = '';
    url.password = '';
    this.baseUrl = url;
    this.authorization =
      auth === undefined
        ? undefined
        : 'token' in auth
          ? `Bearer ${auth.token}`
          : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.fetchImpl = options.fetch ?? fetch;
    this.onRetry = options.onRetry;
  }

  /** The tracking URI without credentials, e.g. to resolve `mlflow-artifacts:` URIs against. */
  get trackingUrl(): URL {
    return new URL(this.baseUrl);
  }

  /** Sends a JSON request and validates the JSON answer against `schema`. */
  async json<S extends z.ZodType>(request: TransportRequest, schema: S): Promise<z.output<S>> {
    return this.send(request, async (response, label) => {
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? {} : JSON.parse(text);
      } catch {
        throw new MlflowResponseError(`${label} answered a body that is not JSON`, label);
      }
      const result = schema.safeParse(parsed);
      if (!result.success) {
        throw new MlflowResponseError(
          `${label} answered an unexpected shape: ${result.error.message}`,
          label,
        );
      }
      return result.data;
    });
  }

  /**
   * Sends `request`, retrying what can be retried, and hands the successful response to `consume`
   * while the attempt's timeout still runs (so slow bodies count); what `consume` returns is no longer
   * bounded by it.
   */
  async send<T>(
    request: TransportRequest,
    consume: (response: Response, label: string) => Promise<T>,
  ): Promise<T> {
    const url = this.url(request);
    const label = `${request.method} ${url.pathname}`;
    const maxAttempts = request.body?.replayable === false ? 1 : this.retry.maxRetries + 1;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(request, url, label, attempt, consume);
      if (outcome.ok) return outcome.value;
      if (!outcome.retryable || attempt >= maxAttempts) throw outcome.error;
      const delayMs = retryDelayMs(attempt - 1, this.retry, outcome.retryAfter);
      this.onRetry?.({ request: label, attempt, delayMs, error: outcome.error });
      await sleep(delayMs);
    }
  }

  private url(request: TransportRequest): URL {
    const url = /^https?:\/\//.test(request.target)
      ? new URL(request.target)
      : new URL(`${this.baseUrl.pathname.replace(/\/+$/, '')}${request.target}`, this.baseUrl);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private headers(request: TransportRequest): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.authorization) headers.authorization = this.authorization;
    if (request.json !== undefined) headers['content-type'] = 'application/json';
    if (request.body) headers['content-type'] = request.body.contentType;
    return headers;
  }

  private async attempt<T>(
    request: TransportRequest,
    url: URL,
    label: string,
    attempt: number,
    consume: (response: Response, label: string) => Promise<T>,
  ): Promise<Attempt<T>> {
    const timeoutMs = request.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await this.fetchImpl(url, {
        method: request.method,
        headers: this.headers(request),
        body:
          request.json !== undefined
            ? JSON.stringify(request.json, protobufJsonReplacer)
            : request.body?.create(),
        signal: controller.signal,
        // Required by fetch for stream bodies; harmless for the others.
        duplex: 'half',
      } as RequestInit);
      if (!response.ok) {
        return {
          ok: false,
          error: await apiError(response, label),
          retryable: isRetryableStatus(response.status),
          retryAfter: response.headers.get('retry-after'),
        };
      }
      return { ok: true, value: await consume(response, label) };
    } catch (error) {
      if (error instanceof MlflowResponseError)
        return { ok: false, error, retryable: false, retryAfter: null };
      const failure = timedOut
        ? new MlflowTimeoutError(label, timeoutMs, attempt)
        : new MlflowNetworkError(label, attempt, error);
      return { ok: false, error: failure, retryable: true, retryAfter: null };
    } finally {
      clearTimeout(timer);
    }
  }
}

async function apiError(response: Response, label: string): Promise<MlflowApiError> {
  const text = await response.text();
  let body: { error_code?: unknown; message?: unknown } = {};
  try {
    body = JSON.parse(text);
  } catch {
    // Not MLflow's JSON (a proxy's HTML page, say): fall back to the status and a bit of the text.
  }
  const errorCode = typeof body?.error_code === 'string' ? body.error_code : `HTTP_${response.status}`;
  const message = typeof body?.message === 'string' ? body.message : text.slice(0, MAX_ERROR_TEXT);
  return new MlflowApiError(errorCode, response.status, message || response.statusText, label);
}
