import { MlflowError } from './mlflow-error';

/** MLflow answered with an error: its `{error_code, message}` body, or a bare HTTP status. */
export class MlflowApiError extends MlflowError {
  /** MLflow's code, e.g. `RESOURCE_DOES_NOT_EXIST`, or `HTTP_<status>` when the body carried none. */
  readonly errorCode: string;
  readonly httpStatus: number;

  constructor(errorCode: string, httpStatus: number, message: string, request: string) {
    super(message, request);
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }
}
