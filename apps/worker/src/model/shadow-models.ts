import type { Predictor } from '@shelfwise/classifier';
import type { ModelVersion } from '@shelfwise/db';
import { loadVersion, type VersionLoading } from './load-version';
import type { ModelLease } from './model-cache';

/** A shadow version held for one job, as a serving version is; release it when the job is done. */
export type ShadowLease = ModelLease;

interface Loaded {
  row: ModelVersion;
  predictor: Promise<Predictor>;
  leases: number;
  retired: boolean;
}

/**
 * The READY versions newer than the serving one (the newest `maxVersions`), loaded once and kept while they
 * stay newer, so that each predict job with verified rows also scores them: their live F1 is known before
 * anyone promotes them. A version that cannot be loaded is skipped (and tried again by the next job): a
 * shadow must never fail the job it watches.
 */
export class ShadowModels {
  private readonly loaded = new Map<number, Loaded>();

  constructor(
    private readonly deps: VersionLoading & {
      maxVersions: number;
    },
  ) {}

  async acquire(servingVersion: number): Promise<ShadowLease[]> {
    if (this.deps.maxVersions === 0) return [];
    const rows = await this.deps.models.listReadyAbove(servingVersion, this.deps.maxVersions);
    const wanted = new Set(rows.map((row) => row.id));
    for (const [id, loaded] of this.loaded) {
      if (!wanted.has(id)) this.retire(id, loaded);
    }
    const leases: ShadowLease[] = [];
    for (const row of rows) {
      const loaded = this.loadedFor(row);
      loaded.leases++;
      try {
        leases.push(this.lease(loaded, await loaded.predictor));
      } catch (error) {
        loaded.leases--;
        this.loaded.delete(row.id);
        this.deps.logger.warn(
          { err: error, modelVersion: row.version },
          'shadow version not loaded; skipped',
        );
      }
    }
    return leases;
  }

  stop(): void {
    for (const [id, loaded] of this.loaded) this.retire(id, loaded);
  }

  private loadedFor(row: ModelVersion): Loaded {
    let loaded = this.loaded.get(row.id);
    if (!loaded) {
      loaded = {
        row,
        predictor: loadVersion(this.deps.artifacts, this.deps.load, row),
        leases: 0,
        retired: false,
      };
      // Awaited by acquire; this only keeps a failed load from surfacing as unhandled.
      loaded.predictor.catch(() => {});
      this.loaded.set(row.id, loaded);
    }
    return loaded;
  }

  private lease(loaded: Loaded, predictor: Predictor): ShadowLease {
    let released = false;
    return {
      version: loaded.row.version,
      modelVersionId: loaded.row.id,
      predictor,
      release: () => {
        if (released) return;
        released = true;
        loaded.leases--;
        this.releaseIfIdle(loaded);
      },
    };
  }

  private retire(id: number, loaded: Loaded): void {
    this.loaded.delete(id);
    loaded.retired = true;
    this.releaseIfIdle(loaded);
  }

  private releaseIfIdle(loaded: Loaded): void {
    if (!loaded.retired || loaded.leases > 0) return;
    loaded.predictor
      .then((predictor) => predictor.release())
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'shadow model release failed'));
  }
}
