export type { FaultOptions } from './fault-injector';
export {
  type MlflowTestServer,
  type MlflowTestServerOptions,
  startMlflowTestServer,
} from './start-mlflow-test-server';
export type {
  RecordedRequest,
  RunStatus,
  StoredExperiment,
  StoredMetric,
  StoredModelVersion,
  StoredRegisteredModel,
  StoredRun,
  TestServerState,
} from './test-server-state';
