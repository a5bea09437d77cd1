export { healthRoutes } from './health-routes';
export { onShutdown, type ShutdownLogger } from './on-shutdown';
export { type Check, type CheckResult, type Readiness, runChecks } from './run-checks';
