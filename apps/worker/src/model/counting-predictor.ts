import type { Predictor } from '@shelfwise/classifier';

/**
 * A predictor that reports how many texts it ran, whichever job asked (CSV batches and online requests
 * alike): rows-per-second dashboards need no code in the handlers.
 */
export class CountingPredictor implements Predictor {
  constructor(
    private readonly inner: Predictor,
    private readonly onRows: (rows: number) => void,
  ) {}

  get labels() {
    return this.inner.labels;
  }

  get manifest() {
    return this.inner.manifest;
  }

  get device() {
    return this.inner.device;
  }

  get fallbackReason() {
    return this.inner.fallbackReason;
  }

  get timings() {
    return this.inner.timings;
  }

  async predict(texts: readonly string[]) {
    const predictions = await this.inner.predict(texts);
    this.onRows(texts.length);
    return predictions;
  }

  release() {
    return this.inner.release();
  }
}
