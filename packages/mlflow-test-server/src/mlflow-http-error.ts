// MLflow maps each error code to one HTTP status (mlflow/exceptions.py ERROR_CODE_TO_HTTP_STATUS);
// the handlers throw this and the dispatcher turns it into MLflow's `{error_code, message}` body.
const HTTP_STATUS_BY_CODE: Record<string, number> = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  REQUEST_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
};

export class MlflowHttpError extends Error {
  readonly errorCode: string;
  readonly httpStatus: number;

  constructor(errorCode: string, message: string, httpStatus = HTTP_STATUS_BY_CODE[errorCode] ?? 500) {
    super(message);
    this.name = 'MlflowHttpError';
    this.errorCode = errorCode;
    this.httpStatus = httpStatus;
  }

  static invalidParameter(message: string): MlflowHttpError {
    return new MlflowHttpError('INVALID_PARAMETER_VALUE', message);
  }

  static doesNotExist(message: string): MlflowHttpError {
    return new MlflowHttpError('RESOURCE_DOES_NOT_EXIST', message);
  }

  static alreadyExists(message: string): MlflowHttpError {
    return new MlflowHttpError('RESOURCE_ALREADY_EXISTS', message);
  }

  /** The error code MLflow would send with a bare HTTP status (used for injected failures). */
  static forStatus(httpStatus: number, message: string): MlflowHttpError {
    const code = Object.entries(HTTP_STATUS_BY_CODE).find(([, status]) => status === httpStatus)?.[0];
    return new MlflowHttpError(code ?? 'INTERNAL_ERROR', message, httpStatus);
  }

  toJson(): { error_code: string; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}
