export { healthRoutes, type Liveness } from './health-routes';
export { onShutdown, type ShutdownLogger, type ShutdownOptions } from './on-shutdown';
export { type Check, type CheckResult, type Readiness, runChecks } from './run-checks';
