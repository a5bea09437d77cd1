import { MlflowError } from './mlflow-error';

/** Every attempt of a call ran past its timeout. */
export class MlflowTimeoutError extends MlflowError {
  readonly timeoutMs: number;
  readonly attempts: number;

  constructor(request: string, timeoutMs: number, attempts: number) {
    super(`${request} timed out after ${timeoutMs} ms (${attempts} attempt(s))`, request);
    this.timeoutMs = timeoutMs;
    this.attempts = attempts;
  }
}
