import { MlflowHttpError } from './mlflow-http-error';

export interface FaultOptions {
  /**
   * Apply the request to the state first and only then fail or stall the response, as when a
   * server commits but the answer never reaches the client (the case that makes retries log twice).
   */
  afterApplying?: boolean;
}

/** The faults decided for one request when it arrives. */
export interface RequestFaults {
  failure: { error: MlflowHttpError; afterApplying: boolean } | undefined;
  /** `released` aborts when the stall is changed or cleared, ending the wait early. */
  stall: { ms: number; afterApplying: boolean; released: AbortSignal } | undefined;
}

// setTimeout cannot wait longer than this; longer stalls last until cleared instead.
const MAX_TIMER_MS = 2 ** 31 - 1;

export class FaultInjector {
  private failNextCount = 0;
  private failNextStatus = 503;
  private failAllStatus: number | false = false;
  private failAfterApplying = false;
  private stallMs: number | false = false;
  private stallAfterApplying = false;
  private stallChanged = new AbortController();

  failNext(count: number, status = 503, options: FaultOptions = {}): void {
    this.failNextCount = count;
    this.failNextStatus = status;
    this.failAfterApplying = options.afterApplying ?? false;
  }

  failAll(status: number | false, options: FaultOptions = {}): void {
    this.failAllStatus = status;
    this.failAfterApplying = options.afterApplying ?? false;
  }

  /** Delays every response by `ms` (Infinity: until cleared); `false` ends it and releases waiting requests. */
  stall(ms: number | false, options: FaultOptions = {}): void {
    this.stallMs = ms;
    this.stallAfterApplying = options.afterApplying ?? false;
    this.stallChanged.abort();
    this.stallChanged = new AbortController();
  }

  clear(): void {
    this.failNext(0);
    this.failAll(false);
    this.stall(false);
  }

  take(): RequestFaults {
    let status: number | undefined;
    if (this.failAllStatus !== false) status = this.failAllStatus;
    else if (this.failNextCount > 0) {
      this.failNextCount -= 1;
      status = this.failNextStatus;
    }
    return {
      failure:
        status === undefined
          ? undefined
          : {
              error: MlflowHttpError.forStatus(
                status,
                `Injected failure (HTTP ${status}) from mlflow-test-server`,
              ),
              afterApplying: this.failAfterApplying,
            },
      stall:
        this.stallMs === false
          ? undefined
          : { ms: this.stallMs, afterApplying: this.stallAfterApplying, released: this.stallChanged.signal },
    };
  }

  /** Waits out a stall; ends early when the stall is changed or cleared, or `signal` aborts (client gone, server down). */
  wait(stall: NonNullable<RequestFaults['stall']>, signal: AbortSignal): Promise<void> {
    const stop = AbortSignal.any([stall.released, signal]);
    if (stop.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stop.removeEventListener('abort', done);
        resolve();
      };
      const timer = stall.ms <= MAX_TIMER_MS ? setTimeout(done, stall.ms) : undefined;
      stop.addEventListener('abort', done, { once: true });
    });
  }
}
