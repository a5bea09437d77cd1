import ort from 'onnxruntime-node';
import type { BatchEncoder } from './batch-encoder';
import type { Featurizer } from './featurizer';
import { ONNX_INPUT_IDS, ONNX_INPUT_PATH, ONNX_INPUT_WEIGHTS } from './onnx-graph';
import type { PathTable } from './path-table';

/**
 * Feeds the padded graphs (manifest formats 1 and 2, and the embedding bag): `ids` and `weights`
 * [rows, maxLength], and with a path table `path` [rows].
 */
export class PaddedBatch implements BatchEncoder {
  readonly inputs: readonly string[];
  readonly #ids: Int32Array;
  readonly #weights: Float32Array;
  readonly #pathRows: Int32Array;
  readonly #match = { row: 0, end: 0 };

  constructor(
    readonly featurizer: Featurizer,
    /** The category-path table, for architectures that have one. */
    readonly paths: PathTable | null,
    batchSize: number,
  ) {
    this.inputs = [ONNX_INPUT_IDS, ONNX_INPUT_WEIGHTS, ...(paths ? [ONNX_INPUT_PATH] : [])];
    this.#ids = new Int32Array(batchSize * featurizer.settings.maxLength);
    this.#weights = new Float32Array(batchSize * featurizer.settings.maxLength);
    this.#pathRows = new Int32Array(batchSize);
  }

  encode(texts: readonly string[], start: number, end: number): Record<string, ort.Tensor> {
    const rows = end - start;
    const length = this.featurizer.settings.maxLength;
    const { paths } = this;
    for (let i = 0; i < rows; i++) {
      const text = texts[start + i] as string;
      let nameStart = 0;
      if (paths) {
        nameStart = paths.match(text, this.#match).end;
        this.#pathRows[i] = this.#match.row;
      }
      this.featurizer.featurizeInto(text, this.#ids, this.#weights, i * length, nameStart);
    }
    const shape = [rows, length];
    const feeds: Record<string, ort.Tensor> = {
      [ONNX_INPUT_IDS]: new ort.Tensor('int32', this.#ids.subarray(0, rows * length), shape),
      [ONNX_INPUT_WEIGHTS]: new ort.Tensor('float32', this.#weights.subarray(0, rows * length), shape),
    };
    if (paths) feeds[ONNX_INPUT_PATH] = new ort.Tensor('int32', this.#pathRows.subarray(0, rows), [rows]);
    return feeds;
  }
}
