import type { Db } from '../create-prisma-client';
import type { MonitoringMetric, Prisma } from '../generated/prisma/client';
import type { Tx } from '../transaction';

export interface NewMonitoringMetric {
  jobId: string;
  modelVersionId: number;
  weightedF1: number;
  minF1: number;
  perClassF1: Prisma.InputJsonValue;
  rows: number;
  labelledRows: number;
  latencyPerRowMs: number;
}

/** Model quality over time, one point per inference job that carried verified labels. */
export class MonitoringRepository {
  constructor(private readonly db: Db | Tx) {}

  record(metric: NewMonitoringMetric): Promise<MonitoringMetric> {
    // Upsert: a job retried after a crash scores once, not twice.
    return this.db.monitoringMetric.upsert({
      where: { jobId: metric.jobId },
      create: metric,
      update: metric,
    });
  }

  findByJob(jobId: string): Promise<MonitoringMetric | null> {
    return this.db.monitoringMetric.findUnique({ where: { jobId } });
  }

  listSince(since: Date, modelVersionId?: number): Promise<MonitoringMetric[]> {
    return this.db.monitoringMetric.findMany({
      where: { createdAt: { gte: since }, modelVersionId },
      orderBy: { createdAt: 'asc' },
    });
  }
}
