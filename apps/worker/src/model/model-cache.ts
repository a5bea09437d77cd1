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

/**
 * Caches the promoted model version, loaded, and swaps to a newly promoted one without a restart. A job
 * keeps the version it started with: the old session is released only when its last lease ends.
 */
export class ModelCache {
  private current: Loaded | undefined;
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

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

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.loading;
    if (this.current) {
      this.current.retired = true;
      this.releaseIfIdle(this.current);
      this.current = undefined;
    }
  }

  private async swapIfChanged(): Promise<void> {
    const row = await this.deps.models.findServing();
    if (!row || row.id === this.current?.row.id) return;
    const started = performance.now();
    const loadedPredictor = await loadVersion(this.deps.artifacts, this.deps.load, row);
    const { metrics } = this.deps;
    const predictor = new CountingPredictor(loadedPredictor, (rows) =>
      metrics.rowsPredicted(rows, row.version),
    );
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
