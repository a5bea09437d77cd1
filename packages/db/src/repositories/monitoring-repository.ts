import type { Db } from '../create-prisma-client';
import type { MonitoringMetric, Prisma, ShadowScore } from '../generated/prisma/client';
import type { Tx } from '../transaction';

export interface NewMonitoringMetric {
  jobId: string;
  modelVersionId: number;
  /** Over the labelled rows the model did not train on; null when it trained on all of them. */
  weightedF1: number | null;
  minF1: number | null;
  perClassF1: Prisma.InputJsonValue;
  rows: number;
  labelledRows: number;
  /** Labelled rows the model trained on; null when its manifest does not record its training set. */
  seenRows: number | null;
  latencyPerRowMs: number;
}

export interface MonitoringPointQuery {
  since: Date;
  version?: number | undefined;
  limit: number;
  /** Only the points of jobs this API key submitted (a client's view); undefined: every point. */
  apiKeyId?: string | undefined;
}

export type MonitoringPoint = MonitoringMetric & {
  modelVersion: { version: number };
  job: { shadowScores: (ShadowScore & { modelVersion: { version: number } })[] };
};

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
    // A point without an F1 (every labelled row seen) says nothing about quality: not a gauge value.
    const scored = { weightedF1: { not: null }, minF1: { not: null } };
    const versions = await this.db.modelVersion.findMany({
      where: { monitoring: { some: scored } },
      orderBy: { version: 'desc' },
      take: limit,
      select: {
        version: true,
        stage: true,
        monitoring: {
          where: scored,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: 1,
          select: { weightedF1: true, minF1: true, createdAt: true },
        },
      },
    });
    return versions.flatMap(({ version, stage, monitoring }) =>
      monitoring.map((point) => ({
        version,
        stage,
        weightedF1: point.weightedF1 ?? 0,
        minF1: point.minF1 ?? 0,
        createdAt: point.createdAt,
      })),
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
      include: {
        modelVersion: { select: { version: true } },
        job: {
          select: {
            shadowScores: {
              include: { modelVersion: { select: { version: true } } },
              orderBy: { modelVersionId: 'asc' },
            },
          },
        },
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit,
    });
    return newestFirst.reverse();
  }
}
