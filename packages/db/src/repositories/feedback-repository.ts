import type { Db } from '../create-prisma-client';
import type { FeedbackBatch } from '../generated/prisma/client';
import type { Tx } from '../transaction';

/** Human-verified rows kept from inference files: the raw material of retraining. */
export class FeedbackRepository {
  constructor(private readonly db: Db | Tx) {}

  record(batch: { jobId: string; s3Uri: string; rows: number }): Promise<FeedbackBatch> {
    return this.db.feedbackBatch.upsert({ where: { jobId: batch.jobId }, create: batch, update: batch });
  }

  /** Verified rows that arrived after `since`: the trigger for scheduled retraining. */
  async rowsSince(since: Date): Promise<number> {
    const total = await this.db.feedbackBatch.aggregate({
      _sum: { rows: true },
      where: { createdAt: { gt: since } },
    });
    return total._sum.rows ?? 0;
  }
}
