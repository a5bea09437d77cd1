export { type GeneratedApiKey, generateApiKey, hashApiKey } from './api-key-secret';
export { connectionOptions } from './connection-options';
export { createPrismaClient, type Db } from './create-prisma-client';
export { isConnectionFailure, isUniqueViolation } from './errors';
export * from './generated/prisma/client';
export { type MigrateResult, migrate, migrationChecksum } from './migrate';
export { MigrationError } from './migration-error';
export { ApiKeyRepository, type NewApiKey } from './repositories/api-key-repository';
export { FeedbackRepository } from './repositories/feedback-repository';
export { InputGrantRepository } from './repositories/input-grant-repository';
export {
  type IdempotencyKey,
  type InputVersion,
  type JobListQuery,
  type JobPage,
  JobRepository,
  type LeaseState,
  type NewJob,
  type RunClaim,
  type RunOwner,
} from './repositories/job-repository';
export { ModelVersionRepository, type NewModelVersion } from './repositories/model-version-repository';
export {
  type LatestMonitoring,
  type MonitoringPoint,
  type MonitoringPointQuery,
  MonitoringRepository,
  type NewMonitoringMetric,
} from './repositories/monitoring-repository';
export {
  type NewPredictChunk,
  type PlannedChunk,
  PredictChunkRepository,
} from './repositories/predict-chunk-repository';
export {
  type LatestShadowScore,
  type NewShadowScore,
  ShadowScoreRepository,
} from './repositories/shadow-score-repository';
export {
  type FailedAttempt,
  type NewTrackingEntry,
  TrackingOutboxRepository,
} from './repositories/tracking-outbox-repository';
export { type Tx, withTransaction } from './transaction';
