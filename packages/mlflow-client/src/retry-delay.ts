import type { MlflowRetryOptions } from './mlflow-client-options';

/**
 * Backoff before retry number `retry` (0-based): exponential, capped, with "equal jitter" (half
 * fixed, half random) so that clients failing together do not retry in lockstep. A server's
 * Retry-After (seconds or HTTP date) is honoured up to maxDelayMs.
 */
export function retryDelayMs(
  retry: number,
  options: Pick<MlflowRetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  retryAfter: string | null = null,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  const requested = retryAfterMs(retryAfter);
  return requested === undefined ? jittered : Math.max(jittered, Math.min(requested, options.maxDelayMs));
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
