/** Base of every error this client throws, so callers can tell MLflow trouble from their own bugs. */
export class MlflowError extends Error {
  /** The call that failed, e.g. `POST /api/2.0/mlflow/runs/log-batch`; never a URL with credentials. */
  readonly request: string;

  constructor(message: string, request: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.request = request;
  }
}
