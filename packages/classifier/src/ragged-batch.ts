import ort from 'onnxruntime-node';
import type { BatchEncoder } from './batch-encoder';
import type { Featurizer } from './featurizer';
import { ONNX_INPUT_IDS, ONNX_INPUT_OFFSETS, ONNX_INPUT_PATH, ONNX_INPUT_WEIGHTS } from './onnx-graph';
import type { PathTable } from './path-table';

/**
 * Feeds the ragged path-table graph (buildRaggedPathLinearOnnxGraph): the real features of the rows without
 * a table path, back to back after one padding entry, their offsets, and every row's path. A row with a
 * path is not featurized at all: the table decides it, whatever its name says.
 */
export class RaggedBatch implements BatchEncoder {
  readonly inputs = [ONNX_INPUT_IDS, ONNX_INPUT_WEIGHTS, ONNX_INPUT_OFFSETS, ONNX_INPUT_PATH] as const;
  readonly #classes: number;
  // Sized for a batch of full rows, plus the padding entry.
  readonly #ids: Int32Array;
  /** Each feature's weight once per class (the graph multiplies same-shape tensors). */
  readonly #weights: Float32Array;
  readonly #rowWeights: Float32Array;
  readonly #offsets: Int32Array;
  readonly #pathRows: Int32Array;
  readonly #match = { row: 0, end: 0 };

  constructor(
    readonly featurizer: Featurizer,
    readonly paths: PathTable,
    classes: number,
    batchSize: number,
  ) {
    const entries = 1 + batchSize * featurizer.settings.maxLength;
    this.#classes = classes;
    this.#ids = new Int32Array(entries);
    this.#weights = new Float32Array(entries * classes);
    this.#rowWeights = new Float32Array(entries);
    this.#offsets = new Int32Array(batchSize + 1);
    this.#pathRows = new Int32Array(batchSize);
  }

  encode(texts: readonly string[], start: number, end: number): Record<string, ort.Tensor> {
    const rows = end - start;
    const classes = this.#classes;
    const ids = this.#ids;
    const weights = this.#weights;
    const rowWeights = this.#rowWeights;
    const offsets = this.#offsets;
    const match = this.#match;
    // Entry 0 stays the padding: id 0, weight 0 (never written below).
    let n = 1;
    for (let i = 0; i < rows; i++) {
      const text = texts[start + i] as string;
      this.paths.match(text, match);
      this.#pathRows[i] = match.row;
      if (match.row === 0) {
        const count = this.featurizer.featurizeRow(text, ids, rowWeights, n);
        for (let k = n; k < n + count; k++) {
          const w = rowWeights[k] as number;
          for (let c = k * classes; c < (k + 1) * classes; c++) weights[c] = w;
        }
        n += count;
      }
      offsets[i + 1] = n - 1;
    }
    return {
      [ONNX_INPUT_IDS]: new ort.Tensor('int32', ids.subarray(0, n), [n]),
      [ONNX_INPUT_WEIGHTS]: new ort.Tensor('float32', weights.subarray(0, n * classes), [n, classes]),
      [ONNX_INPUT_OFFSETS]: new ort.Tensor('int32', offsets.subarray(0, rows + 1), [rows + 1]),
      [ONNX_INPUT_PATH]: new ort.Tensor('int32', this.#pathRows.subarray(0, rows), [rows]),
    };
  }
}
