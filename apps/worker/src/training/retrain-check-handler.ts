import { randomUUID } from 'node:crypto';
import { queuedJob } from '@shelfwise/contracts';
import type { FeedbackRepository, Job, ModelVersionRepository, NewJob } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { RecordedJobQueue } from '@shelfwise/queue';
import type { DirectHandler } from '../job-handlers';

export interface RetrainCheckDependencies {
  models: ModelVersionRepository;
  feedback: FeedbackRepository;
  /** Records and enqueues the training job, as the gateway's submission does. */
  queue: RecordedJobQueue<NewJob, Job>;
  /** The training corpus: every labelled CSV under it, base files and feedback alike. */
  sourceUri: string;
  minRows: number;
  epochs: number;
  logger: Logger;
}

/**
 * Runs on the retrain schedule: when at least `minRows` verified rows arrived since the serving model was
 * trained, records a RETRAIN_SCHEDULED job and enqueues its training, like a user's request would.
 */
export function retrainCheckHandler(deps: RetrainCheckDependencies): DirectHandler<'retrain-check'> {
  return {
    kind: 'direct',
    run: async () => {
      const serving = await deps.models.findServing();
      const newRows = await deps.feedback.rowsSince(serving?.createdAt ?? new Date(0));
      if (newRows < deps.minRows) {
        deps.logger.info({ newRows, minRows: deps.minRows }, 'retrain check: not enough new verified rows');
        return { new_rows: newRows, job_id: null };
      }
      const id = randomUUID();
      // The row stores the payload itself (the catalog's RETRAIN_SCHEDULED entry rebuilds the job from it).
      const { payload } = queuedJob('train', {
        jobId: id,
        sourceUri: deps.sourceUri,
        epochs: deps.epochs,
        bestModelMetric: 'eval_f1_min',
        // The captured feedback is what triggered it: read in capture order, newest label winning.
        includeFeedback: true,
      });
      // A refused enqueue marks the row FAILED (ENQUEUE_FAILED) and fails this check, which BullMQ retries.
      await deps.queue.submit({ id, type: 'RETRAIN_SCHEDULED', input: payload });
      deps.logger.info({ newRows, jobId: id }, 'retrain check: training started');
      return { new_rows: newRows, job_id: id };
    },
  };
}
