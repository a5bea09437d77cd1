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

export interface MonitoringPointQuery {
  since: Date;
  version?: number | undefined;
  limit: number;
  /** Only the points of jobs this API key submitted (a client's view); undefined: every point. */
  apiKeyId?: string | undefined;
}

export type MonitoringPoint = MonitoringMetric & { modelVersion: { version: number } };

export interface LatestMonitoring {
  version: number;
  stage: string;
  weightedF1: number;
  minF1: number;
  createdAt: Date;
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

  /**
   * The latest point of each of the `limit` newest monitored model versions, with the version's stage:
   * what the gateway exports as gauges on each scrape (bounded, so old versions do not grow the series).
   */
  async latestPerModelVersion(limit: number): Promise<LatestMonitoring[]> {
    const versions = await this.db.modelVersion.findMany({
      where: { monitoring: { some: {} } },
      orderBy: { version: 'desc' },
      take: limit,
      select: {
        version: true,
        stage: true,
        monitoring: {
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: 1,
          select: { weightedF1: true, minF1: true, createdAt: true },
        },
      },
    });
    return versions.flatMap(({ version, stage, monitoring }) =>
      monitoring.map((point) => ({ version, stage, ...point })),
    );
  }

  /**
   * The newest `limit` points since `since`, oldest first, each with its model version *number* (what
   * users know a version by); `version` narrows to one version, `apiKeyId` to one client's jobs.
   */
  async listPoints(query: MonitoringPointQuery): Promise<MonitoringPoint[]> {
    const newestFirst = await this.db.monitoringMetric.findMany({
      where: {
        createdAt: { gte: query.since },
        ...(query.version === undefined ? {} : { modelVersion: { version: query.version } }),
        ...(query.apiKeyId === undefined ? {} : { job: { apiKeyId: query.apiKeyId } }),
      },
      include: { modelVersion: { select: { version: true } } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit,
    });
    return newestFirst.reverse();
  }
}
