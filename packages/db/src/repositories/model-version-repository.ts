import type { Db } from '../create-prisma-client';
import type { ModelVersion, Prisma } from '../generated/prisma/client';
import type { Tx } from '../transaction';

export interface NewModelVersion {
  artifactUri: (version: number) => string;
  datasetUri: string;
  datasetHash: string;
  labels: string[];
  metrics: Prisma.InputJsonValue;
  trainingJobId?: string | undefined;
  mlflowRunId?: string | undefined;
}

/** The registry of immutable model versions; "which version serves" is the one PRODUCTION row. */
export class ModelVersionRepository {
  constructor(private readonly db: Db | Tx) {}

  /**
   * Allocates the next version number (PENDING until `markReady`). Call inside a transaction; two
   * concurrent trainings that pick the same number collide on the unique index and one retries.
   */
  async create(model: NewModelVersion): Promise<ModelVersion> {
    const last = await this.db.modelVersion.aggregate({ _max: { version: true } });
    const version = (last._max.version ?? 0) + 1;
    return this.db.modelVersion.create({
      data: {
        version,
        artifactUri: model.artifactUri(version),
        datasetUri: model.datasetUri,
        datasetHash: model.datasetHash,
        labels: model.labels,
        metrics: model.metrics,
        trainingJobId: model.trainingJobId ?? null,
        mlflowRunId: model.mlflowRunId ?? null,
      },
    });
  }

  findById(id: number): Promise<ModelVersion | null> {
    return this.db.modelVersion.findUnique({ where: { id } });
  }

  findByVersion(version: number): Promise<ModelVersion | null> {
    return this.db.modelVersion.findUnique({ where: { version } });
  }

  findByTrainingJob(jobId: string): Promise<ModelVersion | null> {
    return this.db.modelVersion.findUnique({ where: { trainingJobId: jobId } });
  }

  findServing(): Promise<ModelVersion | null> {
    return this.db.modelVersion.findFirst({
      where: { stage: 'PRODUCTION', status: 'READY' },
      orderBy: { promotedAt: 'desc' },
    });
  }

  /** The artifacts are in S3: the version can now serve. */
  async markReady(version: number, metrics: Prisma.InputJsonValue): Promise<ModelVersion> {
    return this.db.modelVersion.update({ where: { version }, data: { status: 'READY', metrics } });
  }

  /**
   * PENDING versions whose training job ended without succeeding (FAILED, CANCELLED): their artifacts may
   * be half-written and nothing will finish them. A job waiting for a retry (QUEUED) keeps its version.
   */
  listAbandoned(): Promise<ModelVersion[]> {
    return this.db.modelVersion.findMany({
      where: { status: 'PENDING', trainingJob: { status: { in: ['FAILED', 'CANCELLED'] } } },
      orderBy: { version: 'asc' },
    });
  }

  /** Marks an abandoned version FAILED; false when it is no longer PENDING (it became READY meanwhile). */
  async markAbandoned(version: number): Promise<boolean> {
    const { count } = await this.db.modelVersion.updateMany({
      where: { version, status: 'PENDING' },
      data: { status: 'FAILED' },
    });
    return count === 1;
  }

  list(limit = 100): Promise<ModelVersion[]> {
    return this.db.modelVersion.findMany({ orderBy: { version: 'desc' }, take: limit });
  }

  /** Records the automatic promotion decision (comparison and reason) on the version. */
  async recordPromotion(version: number, promotion: Prisma.InputJsonValue): Promise<void> {
    await this.db.modelVersion.update({ where: { version }, data: { promotion } });
  }

  /** The newest `limit` READY versions above `version`: the ones shadow-scored while it serves. */
  listReadyAbove(version: number, limit: number): Promise<ModelVersion[]> {
    return this.db.modelVersion.findMany({
      where: { status: 'READY', version: { gt: version } },
      orderBy: { version: 'desc' },
      take: limit,
    });
  }

  async setMlflowRunId(version: number, runId: string): Promise<void> {
    await this.db.modelVersion.update({ where: { version }, data: { mlflowRunId: runId } });
  }

  /** Makes `version` the serving one; the previous one is archived and can be promoted back. Use in a transaction. */
  async promote(version: number): Promise<ModelVersion> {
    await this.db.modelVersion.updateMany({
      where: { stage: 'PRODUCTION', NOT: { version } },
      data: { stage: 'ARCHIVED' },
    });
    return this.db.modelVersion.update({
      where: { version },
      data: { stage: 'PRODUCTION', promotedAt: new Date() },
    });
  }
}
