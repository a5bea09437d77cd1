import { MlflowError } from './mlflow-error';

/** A successful response whose body is not what MLflow's API documents (not JSON, or wrong shape). */
export class MlflowResponseError extends MlflowError {}
