import { randomUUID } from 'node:crypto';
import type { FeedbackRepository, JobRepository, ModelVersionRepository } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import { type JobProducer, ownerPriority } from '@shelfwise/queue';
import type { DirectHandler } from '../job-handlers';

export interface RetrainCheckDependencies {
  jobs: JobRepository;
  models: ModelVersionRepository;
  feedback: FeedbackRepository;
  producer: JobProducer;
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
      const payload = {
        v: 1 as const,
        jobId: id,
        sourceUri: deps.sourceUri,
        epochs: deps.epochs,
        bestModelMetric: 'eval_f1_min' as const,
        // The captured feedback is what triggered it: read in capture order, newest label winning.
        includeFeedback: true,
      };
      const row = await deps.jobs.create({ id, type: 'RETRAIN_SCHEDULED', input: payload });
      try {
        // Fair share like a user's job: without a priority it would go before every client's training.
        await deps.producer.enqueue('train', payload, id, { priority: await ownerPriority(deps.jobs, row) });
      } catch (error) {
        await deps.jobs.markFailed(id, {
          code: 'ENQUEUE_FAILED',
          message: 'the training job could not be queued',
        });
        throw error;
      }
      deps.logger.info({ newRows, jobId: id }, 'retrain check: training started');
      return { new_rows: newRows, job_id: id };
    },
  };
}
