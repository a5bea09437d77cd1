import type { TrackingOutboxRepository } from '@shelfwise/db';
import type { JobTracking } from './job-tracking';

/** No MLFLOW_TRACKING_URI: the figures stay in MySQL, nothing is queued, and the job row says so. */
export class DisabledTracking implements JobTracking {
  constructor(private readonly outbox: TrackingOutboxRepository) {}

  async recordTraining(run: { jobId: string }): Promise<void> {
    await this.outbox.setJobTracking(run.jobId, 'DISABLED');
  }

  async recordMonitoring(figures: { jobId: string }): Promise<void> {
    await this.outbox.setJobTracking(figures.jobId, 'DISABLED');
  }
}
