import { JOBS, queuedJob } from '@shelfwise/contracts';
import type { Logger } from '@shelfwise/logger';
import type { JobProducer } from '@shelfwise/queue';

const SCHEDULER_ID = 'retrain';

/**
 * Keeps the retrain schedule in Redis in line with config: a cron pattern installs (or updates) one
 * repeatable 'retrain-check' job, shared by every worker; no pattern removes it (off by default).
 */
export async function scheduleRetraining(producer: JobProducer, cron: string | undefined, logger: Logger) {
  const queue = producer.queue(JOBS['retrain-check'].queue);
  if (!cron) {
    await queue.removeJobScheduler(SCHEDULER_ID);
    return;
  }
  const { name, payload } = queuedJob('retrain-check', {});
  await queue.upsertJobScheduler(
    SCHEDULER_ID,
    { pattern: cron },
    { name, data: payload, opts: producer.jobOptions(name) },
  );
  logger.info({ cron }, 'retraining scheduled');
}
