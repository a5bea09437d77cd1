import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

// Long enough to amortise the yield, short enough that timers and I/O of the caller stay responsive.
export const SLICE_MS = 20;

/**
 * Lets long loops on the caller's thread give the event loop a turn about every `sliceMs`, and reports at
 * each turn how much of the whole work is done: a caller watching progress (the worker's watchdog) then
 * sees a long epoch move, not only its end.
 */
export class TimeSlicer {
  #sliceStart = performance.now();
  #done = 0;

  constructor(
    private readonly onSlice?: (done: number) => void | Promise<void>,
    private readonly sliceMs: number = SLICE_MS,
  ) {}

  /** Records the share of the whole work done (0..1, never going back); reported at the next yield. */
  advance(done: number): void {
    if (done > this.#done) this.#done = Math.min(1, done);
  }

  /** Call often (every few hundred cheap steps): yields once the current slice is used up. */
  async tick(): Promise<void> {
    if (performance.now() - this.#sliceStart > this.sliceMs) await this.yield();
  }

  async yield(): Promise<void> {
    await yieldToEventLoop();
    await this.onSlice?.(this.#done);
    this.#sliceStart = performance.now();
  }
}
