import { MlflowError } from './mlflow-error';

/** The tracking server could not be reached (refused, reset, DNS...) on the last attempt. */
export class MlflowNetworkError extends MlflowError {
  readonly attempts: number;

  constructor(request: string, attempts: number, cause: unknown) {
    const reason =
      cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : '';
    super(`${request} failed to reach the MLflow server after ${attempts} attempt(s): ${reason}`, request, {
      cause,
    });
    this.attempts = attempts;
  }
}
