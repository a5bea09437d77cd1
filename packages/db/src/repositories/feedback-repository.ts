import type { Db } from '../create-prisma-client';
import type { FeedbackBatch } from '../generated/prisma/client';
import type { Tx } from '../transaction';

/** Human-verified rows kept from inference files: the raw material of retraining. */
export class FeedbackRepository {
  constructor(private readonly db: Db | Tx) {}

  record(batch: { jobId: string; s3Uri: string; rows: number }): Promise<FeedbackBatch> {
    return this.db.feedbackBatch.upsert({ where: { jobId: batch.jobId }, create: batch, update: batch });
  }

  /**
   * When each captured feedback object was given to the system, oldest first: the submission time of the
   * predict job that captured it (milliseconds; S3's LastModified has only seconds), then capture order.
   * Training reads them in this order, so the newest human label of a text wins.
   */
  async capturedInOrder(): Promise<{ s3Uri: string; submittedAt: Date }[]> {
    const batches = await this.db.feedbackBatch.findMany({
      select: { s3Uri: true, job: { select: { createdAt: true } } },
      orderBy: [{ job: { createdAt: 'asc' } }, { id: 'asc' }],
    });
    return batches.map((batch) => ({ s3Uri: batch.s3Uri, submittedAt: batch.job.createdAt }));
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
