import type { Db } from '../create-prisma-client';
import type { ShadowScore } from '../generated/prisma/client';
import type { Tx } from '../transaction';

export interface NewShadowScore {
  jobId: string;
  modelVersionId: number;
  weightedF1: number | null;
  minF1: number | null;
  scoredRows: number;
  seenRows: number;
}

export interface LatestShadowScore {
  version: number;
  weightedF1: number;
  minF1: number;
  createdAt: Date;
}

/** Live scores of versions newer than the serving one, one per (predict job, version). */
export class ShadowScoreRepository {
  constructor(private readonly db: Db | Tx) {}

  record(score: NewShadowScore): Promise<ShadowScore> {
    // Upsert: a job retried after a crash scores each version once.
    return this.db.shadowScore.upsert({
      where: { jobId_modelVersionId: { jobId: score.jobId, modelVersionId: score.modelVersionId } },
      create: score,
      update: score,
    });
  }

  /** The latest scored point of each of the `limit` newest shadow-scored versions (for gauges). */
  async latestPerModelVersion(limit: number): Promise<LatestShadowScore[]> {
    const scored = { weightedF1: { not: null }, minF1: { not: null } };
    const versions = await this.db.modelVersion.findMany({
      where: { shadowScores: { some: scored } },
      orderBy: { version: 'desc' },
      take: limit,
      select: {
        version: true,
        shadowScores: {
          where: scored,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: 1,
          select: { weightedF1: true, minF1: true, createdAt: true },
        },
      },
    });
    return versions.flatMap(({ version, shadowScores }) =>
      shadowScores.map((s) => ({
        version,
        weightedF1: s.weightedF1 ?? 0,
        minF1: s.minF1 ?? 0,
        createdAt: s.createdAt,
      })),
    );
  }
}
