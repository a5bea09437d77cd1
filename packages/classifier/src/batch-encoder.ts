import type ort from 'onnxruntime-node';

/**
 * Turns rows `[start, end)` of `texts` into the feeds of one graph run. Implementations reuse their buffers
 * across batches, so the feeds are valid until the next call.
 */
export interface BatchEncoder {
  /** The graph inputs it feeds. */
  readonly inputs: readonly string[];
  encode(texts: readonly string[], start: number, end: number): Record<string, ort.Tensor>;
}
