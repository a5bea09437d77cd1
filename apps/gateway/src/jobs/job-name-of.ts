import type { JobName } from '@shelfwise/contracts';
import type { JobType } from '@shelfwise/db';

const JOB_NAMES: Record<JobType, JobName> = {
  PREDICT_CSV: 'predict-csv',
  TRAIN_CSV: 'train',
  TRAIN_FEEDBACK: 'train',
  RETRAIN_SCHEDULED: 'train',
};

/** The queue job that runs a job row of this type (so its queue is known when cancelling). */
export const jobNameOf = (type: JobType): JobName => JOB_NAMES[type];
