/** Credentials for a tracking server behind auth; sent on every request, never put in errors. */
export type MlflowAuth = { token: string } | { username: string; password: string };

export interface MlflowRetryOptions {
  /** Attempts after the first one for 429, 5xx, network errors and timeouts. */
  maxRetries: number;
  /** First backoff; doubles on every retry, with jitter, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface MlflowRetryEvent {
  request: string;
  /** The attempt that just failed, starting at 1. */
  attempt: number;
  delayMs: number;
  error: Error;
}

export interface MlflowClientOptions {
  /** e.g. `http://mlflow:5000`; `user:password@` in it is used as basic auth when `auth` is not given. */
  trackingUri: string;
  auth?: MlflowAuth;
  /** Per attempt; for downloads it covers the wait for the response headers, not reading the stream. */
  timeoutMs?: number;
  retry?: Partial<MlflowRetryOptions>;
  /** Called before each retry, e.g. to log it. */
  onRetry?: (event: MlflowRetryEvent) => void;
  fetch?: typeof fetch;
}
