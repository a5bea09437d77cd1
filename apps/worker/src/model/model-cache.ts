import type { Predictor } from '@shelfwise/classifier';
import type { ModelVersion } from '@shelfwise/db';
import type { WorkerMetrics } from '@shelfwise/metrics';
import { NoModelError } from '../errors/no-model-error';
import { CountingPredictor } from './counting-predictor';
import { loadVersion, type VersionLoading } from './load-version';

export type { LoadPredictor } from './load-version';

/** A model version held for the duration of one job; release it when the job is done. */
export interface ModelLease {
  version: number;
  modelVersionId: number;
  predictor: Predictor;
  release(): void;
}

interface Loaded {
  row: ModelVersion;
  predictor: Predictor;
  leases: number;
  retired: boolean;
}

/** A version that does not serve, loaded for the jobs pinned to it while any holds a lease. */
interface Pinned {
  loaded: Promise<{ row: ModelVersion; predictor: Predictor }>;
  leases: number;
}

/**
 * Caches the promoted model version, loaded, and swaps to a newly promoted one without a restart. A job
 * keeps the version it started with: the old session is released only when its last lease ends.
 */
export class ModelCache {
  private current: Loaded | undefined;
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pinned = new Map<number, Pinned>();

  constructor(
    private readonly deps: VersionLoading & {
      /** Rows predicted (per version), load time and serving version, for /metrics. */
      metrics: Pick<WorkerMetrics, 'rowsPredicted' | 'modelLoaded'>;
    },
  ) {}

  /** Loads the serving version (if any) and checks for a new one every `pollMs`. */
  async start(pollMs: number): Promise<void> {
    // Polling starts first, so a worker booted while MySQL or S3 is down still picks the model up later.
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.deps.logger.warn({ err: error }, 'model refresh failed'));
    }, pollMs);
    this.timer.unref();
    await this.refresh();
  }

  /** Asks MySQL which version serves and loads it if it changed; concurrent calls share one load. */
  refresh(): Promise<void> {
    this.loading ??= this.swapIfChanged().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  servingVersion(): number | undefined {
    return this.current?.row.version;
  }

  /** The serving version for one job. `fresh` first asks MySQL (a CSV job); online requests use the cache. */
  async acquire(options: { fresh: boolean }): Promise<ModelLease> {
    if (options.fresh || !this.current) await this.refresh();
    const loaded = this.current;
    if (!loaded) throw new NoModelError();
    loaded.leases++;
    let released = false;
    return {
      version: loaded.row.version,
      modelVersionId: loaded.row.id,
      predictor: loaded.predictor,
      release: () => {
        if (released) return;
        released = true;
        loaded.leases--;
        this.releaseIfIdle(loaded);
      },
    };
  }

  /**
   * The version `modelVersionId` whether or not it serves now: a chunked job's chunks all predict with the
   * version recorded when it was planned, even when another was promoted meanwhile (one worker's job keeps
   * its lease for the same reason). The serving version comes from the cache; another is loaded once for as
   * long as some lease holds it, then released.
   */
  async acquireVersion(modelVersionId: number): Promise<ModelLease> {
    if (!this.current) await this.refresh();
    if (this.current?.row.id === modelVersionId) return this.acquire({ fresh: false });
    let pinned = this.pinned.get(modelVersionId);
    if (!pinned) {
      pinned = { loaded: this.loadPinned(modelVersionId), leases: 0 };
      this.pinned.set(modelVersionId, pinned);
    }
    const entry = pinned;
    // Counted before the load is awaited: a lease ending meanwhile must not release what this one gets.
    entry.leases++;
    const release = () => {
      entry.leases--;
      if (entry.leases > 0) return;
      this.pinned.delete(modelVersionId);
      entry.loaded
        .then(({ predictor }) => predictor.release())
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'model release failed'));
    };
    let loaded: { row: ModelVersion; predictor: Predictor };
    try {
      loaded = await entry.loaded;
    } catch (error) {
      release();
      throw error;
    }
    let released = false;
    return {
      version: loaded.row.version,
      modelVersionId,
      predictor: loaded.predictor,
      release: () => {
        if (released) return;
        released = true;
        release();
      },
    };
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.loading;
    if (this.current) {
      this.current.retired = true;
      this.releaseIfIdle(this.current);
      this.current = undefined;
    }
  }

  private async loadPinned(modelVersionId: number): Promise<{ row: ModelVersion; predictor: Predictor }> {
    const row = await this.deps.models.findById(modelVersionId);
    if (!row) throw new Error(`model version id ${modelVersionId} no longer exists`);
    return { row, predictor: await this.counted(row) };
  }

  /** The version loaded, its rows counted for /metrics. */
  private async counted(row: ModelVersion): Promise<CountingPredictor> {
    const loadedPredictor = await loadVersion(this.deps.artifacts, this.deps.load, row);
    return new CountingPredictor(loadedPredictor, (rows) =>
      this.deps.metrics.rowsPredicted(rows, row.version),
    );
  }

  private async swapIfChanged(): Promise<void> {
    const row = await this.deps.models.findServing();
    if (!row || row.id === this.current?.row.id) return;
    const started = performance.now();
    const predictor = await this.counted(row);
    const { metrics } = this.deps;
    const previous = this.current;
    this.current = { row, predictor, leases: 0, retired: false };
    metrics.modelLoaded(row.version, (performance.now() - started) / 1_000);
    this.deps.logger.info(
      {
        modelVersion: row.version,
        previous: previous?.row.version,
        device: predictor.device,
        loadMs: Math.round(performance.now() - started),
      },
      'serving model version',
    );
    if (predictor.fallbackReason) {
      this.deps.logger.warn(
        { modelVersion: row.version, reason: predictor.fallbackReason },
        'CUDA unavailable: running on CPU',
      );
    }
    if (previous) {
      previous.retired = true;
      this.releaseIfIdle(previous);
    }
  }

  private releaseIfIdle(loaded: Loaded): void {
    if (loaded.retired && loaded.leases === 0) {
      loaded.predictor
        .release()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'model release failed'));
    }
  }
}
