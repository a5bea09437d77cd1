/**
 * The job types a job row can have (MySQL's `jobs.type`): each names what made the job. The Prisma enum
 * `JobType` spells the same list (Prisma's schema cannot import this; a test keeps the two equal), and
 * each type belongs to one job of the catalog (job-catalog.ts, `types`).
 */
export const JOB_TYPES = ['PREDICT_CSV', 'TRAIN_CSV', 'TRAIN_FEEDBACK', 'RETRAIN_SCHEDULED'] as const;

export type RecordedJobType = (typeof JOB_TYPES)[number];
