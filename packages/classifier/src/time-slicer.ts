import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

// Long enough to amortise the yield, short enough that timers and I/O of the caller stay responsive.
export const SLICE_MS = 20;

/** Lets long loops on the caller's thread give the event loop a turn about every SLICE_MS. */
export class TimeSlicer {
  #sliceStart = performance.now();

  /** Call often (every few hundred cheap steps): yields once the current slice is used up. */
  async tick(): Promise<void> {
    if (performance.now() - this.#sliceStart > SLICE_MS) await this.yield();
  }

  async yield(): Promise<void> {
    await yieldToEventLoop();
    this.#sliceStart = performance.now();
  }
}
