import onnxProto from 'onnx-proto';
import type { EmbeddingBagParameters } from './embedding-bag';
import type { PathLinearParameters } from './path-linear-model';

const { onnx } = onnxProto;
const { DataType } = onnx.TensorProto;

export const ONNX_INPUT_IDS = 'ids';
export const ONNX_INPUT_WEIGHTS = 'weights';
/** Path-table models only: the table row of each text's category path (0: none). */
export const ONNX_INPUT_PATH = 'path';
/** Ragged graphs only: row i owns entries `offsets[i] + 1 .. offsets[i + 1]` of `ids` and `weights`. */
export const ONNX_INPUT_OFFSETS = 'offsets';
export const ONNX_OUTPUT = 'probabilities';
// Opset 13: Unsqueeze and Squeeze take their axes as an int64 input; every onnxruntime release supports it.
const OPSET = 13;
const IR_VERSION = 7;

/**
 * Serialises the classifier as a standard ONNX graph:
 *   vectors = Gather(embeddings, ids)                              [batch, L, dim]
 *   hidden  = Squeeze(MatMul(Unsqueeze(weights, 1), vectors), 1)   the weighted sum of the bag, [batch, dim]
 *   probabilities = Softmax(MatMul(hidden, W) + b)                 [batch, classes]
 * The weighted sum is a batched MatMul rather than Mul + ReduceSum: same result, and measured 3× faster in
 * onnxruntime because the [batch, L, dim] product is never materialised. `ids` are int32 (Gather accepts
 * them) so callers fill them from JavaScript numbers without BigInt conversions. The bytes depend only on
 * the parameters (no timestamps, no names from the environment), so equal parameters give equal files.
 */
export function buildOnnxGraph(params: EmbeddingBagParameters, maxLength: number): Uint8Array {
  const rows = params.embeddings.length / params.dim;
  const graph = onnx.GraphProto.create({
    name: 'shelfwise_embedding_bag',
    input: [
      valueInfo(ONNX_INPUT_IDS, DataType.INT32, ['batch', maxLength]),
      valueInfo(ONNX_INPUT_WEIGHTS, DataType.FLOAT, ['batch', maxLength]),
    ],
    output: [valueInfo(ONNX_OUTPUT, DataType.FLOAT, ['batch', params.classes])],
    initializer: [
      tensor('embeddings', DataType.FLOAT, [rows, params.dim], params.embeddings),
      tensor('output_weights', DataType.FLOAT, [params.dim, params.classes], params.outputWeights),
      tensor('output_bias', DataType.FLOAT, [params.classes], params.outputBias),
      tensor('axis_1', DataType.INT64, [1], new BigInt64Array([1n])),
    ],
    node: [
      node('Gather', ['embeddings', ONNX_INPUT_IDS], ['vectors']),
      node('Unsqueeze', [ONNX_INPUT_WEIGHTS, 'axis_1'], ['bag_weights']),
      node('MatMul', ['bag_weights', 'vectors'], ['bag_sum']),
      node('Squeeze', ['bag_sum', 'axis_1'], ['hidden']),
      node('MatMul', ['hidden', 'output_weights'], ['scores']),
      node('Add', ['scores', 'output_bias'], ['logits']),
      node('Softmax', ['logits'], [ONNX_OUTPUT], [intAttribute('axis', -1)]),
    ],
  });
  return encode(graph);
}

/**
 * Serialises the path-table + linear classifier (see PathLinearParameters) as a standard ONNX graph:
 *   name   = Squeeze(MatMul(Unsqueeze(weights, 1), Gather(W, ids)), 1) + b    the linear model, [batch, classes]
 *   logits = name · Gather(nameGate, path) + Gather(pathLogits, path)        the table overrides it
 *   probabilities = Softmax(logits)
 * The same batched MatMul as the embedding bag computes the sparse dot products; W already carries the
 * calibration temperature.
 */
export function buildPathLinearOnnxGraph(params: PathLinearParameters, maxLength: number): Uint8Array {
  const { classes } = params;
  const buckets = params.weights.length / classes;
  const paths = params.nameGate.length;
  const graph = onnx.GraphProto.create({
    name: 'shelfwise_path_linear',
    input: [
      valueInfo(ONNX_INPUT_IDS, DataType.INT32, ['batch', maxLength]),
      valueInfo(ONNX_INPUT_WEIGHTS, DataType.FLOAT, ['batch', maxLength]),
      valueInfo(ONNX_INPUT_PATH, DataType.INT32, ['batch']),
    ],
    output: [valueInfo(ONNX_OUTPUT, DataType.FLOAT, ['batch', classes])],
    initializer: [
      tensor('linear_weights', DataType.FLOAT, [buckets, classes], params.weights),
      tensor('linear_bias', DataType.FLOAT, [classes], params.bias),
      tensor('name_gate', DataType.FLOAT, [paths, 1], params.nameGate),
      tensor('path_logits', DataType.FLOAT, [paths, classes], params.pathLogits),
      tensor('axis_1', DataType.INT64, [1], new BigInt64Array([1n])),
    ],
    node: [
      node('Gather', ['linear_weights', ONNX_INPUT_IDS], ['vectors']),
      node('Unsqueeze', [ONNX_INPUT_WEIGHTS, 'axis_1'], ['bag_weights']),
      node('MatMul', ['bag_weights', 'vectors'], ['bag_sum']),
      node('Squeeze', ['bag_sum', 'axis_1'], ['scores']),
      node('Add', ['scores', 'linear_bias'], ['name_logits']),
      node('Gather', ['name_gate', ONNX_INPUT_PATH], ['gate']),
      node('Mul', ['name_logits', 'gate'], ['gated_logits']),
      node('Gather', ['path_logits', ONNX_INPUT_PATH], ['table_logits']),
      node('Add', ['gated_logits', 'table_logits'], ['logits']),
      node('Softmax', ['logits'], [ONNX_OUTPUT], [intAttribute('axis', -1)]),
    ],
  });
  return encode(graph);
}

/**
 * The path-table + linear classifier with ragged inputs: only a batch's real features, back to back.
 *   ids int32 [n], weights float32 [n, classes] (a feature's weight repeated per class), offsets int32
 *   [batch + 1], path int32 [batch]; entry 0 of ids and weights is padding (weight 0), offsets[0] = 0
 *   prefix = CumSum(Cast(Gather(W, ids) · weights, double))    running sums of weighted rows; prefix[0] = 0
 *   at     = Gather(prefix, offsets)                            [batch + 1, classes]
 *   logits = Cast(at[1:] − at[:-1], float) + Gather(base, path)  base[0] = b, base[r] = pathLogits[r]
 *   probabilities = Softmax(logits)
 * A row with a table path must come with no features (the predictor does not featurize its name): its
 * logits are then the table's, as nameGate = 0 makes them in the padded graph. Why this shape, measured:
 * onnxruntime's Gather costs ~30 ns an index even from cache, so the work has to follow the real features
 * (60% of rows have a path and need none; the others fill 36 of 64 padded slots on average). The segment
 * sum is a difference of prefix sums because ScatterND's add races in onnxruntime's CPU kernel with more
 * than one intra-op thread (wrong sums at 2, 4 and 8 threads); in double because float32 prefix sums over a
 * whole batch are off by ~4e-5. The weights come repeated per class because a Mul that broadcasts [n, 1]
 * over [n, classes] costs ten times a same-shape Mul.
 */
export function buildRaggedPathLinearOnnxGraph(params: PathLinearParameters): Uint8Array {
  const { classes } = params;
  const buckets = params.weights.length / classes;
  const paths = params.nameGate.length;
  if (params.nameGate.some((gate, r) => gate !== (r === 0 ? 1 : 0))) {
    throw new RangeError('a ragged graph needs nameGate 1 for row 0 and 0 for every table row');
  }
  const base = params.pathLogits.slice();
  base.set(params.bias, 0);
  const graph = onnx.GraphProto.create({
    name: 'shelfwise_path_linear_ragged',
    input: [
      valueInfo(ONNX_INPUT_IDS, DataType.INT32, ['n']),
      valueInfo(ONNX_INPUT_WEIGHTS, DataType.FLOAT, ['n', classes]),
      valueInfo(ONNX_INPUT_OFFSETS, DataType.INT32, ['batch_plus_one']),
      valueInfo(ONNX_INPUT_PATH, DataType.INT32, ['batch']),
    ],
    output: [valueInfo(ONNX_OUTPUT, DataType.FLOAT, ['batch', classes])],
    initializer: [
      tensor('linear_weights', DataType.FLOAT, [buckets, classes], params.weights),
      tensor('base_logits', DataType.FLOAT, [paths, classes], base),
      // CumSum takes its axis as a scalar, Slice as a list.
      tensor('scan_axis', DataType.INT64, [], new BigInt64Array([0n])),
      tensor('axis_0', DataType.INT64, [1], new BigInt64Array([0n])),
      tensor('zero', DataType.INT64, [1], new BigInt64Array([0n])),
      tensor('one', DataType.INT64, [1], new BigInt64Array([1n])),
      tensor('minus_one', DataType.INT64, [1], new BigInt64Array([-1n])),
      tensor('end', DataType.INT64, [1], new BigInt64Array([2n ** 62n])),
    ],
    node: [
      node('Gather', ['linear_weights', ONNX_INPUT_IDS], ['vectors']),
      node('Mul', ['vectors', ONNX_INPUT_WEIGHTS], ['weighted']),
      node('Cast', ['weighted'], ['weighted_double'], [intAttribute('to', DataType.DOUBLE)]),
      node('CumSum', ['weighted_double', 'scan_axis'], ['prefix']),
      node('Gather', ['prefix', ONNX_INPUT_OFFSETS], ['at']),
      node('Slice', ['at', 'one', 'end', 'axis_0'], ['at_end']),
      node('Slice', ['at', 'zero', 'minus_one', 'axis_0'], ['at_start']),
      node('Sub', ['at_end', 'at_start'], ['sums']),
      node('Cast', ['sums'], ['scores'], [intAttribute('to', DataType.FLOAT)]),
      node('Gather', ['base_logits', ONNX_INPUT_PATH], ['row_base']),
      node('Add', ['scores', 'row_base'], ['logits']),
      node('Softmax', ['logits'], [ONNX_OUTPUT], [intAttribute('axis', -1)]),
    ],
  });
  return encode(graph);
}

function encode(graph: onnxProto.onnx.GraphProto): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    producerName: 'shelfwise-classifier',
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

function valueInfo(
  name: string,
  elemType: number,
  dims: (string | number)[],
): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) },
      },
    },
  };
}

/** Raw little-endian bytes, as ONNX stores them; typed arrays are little-endian on every platform Node targets. */
function tensor(
  name: string,
  dataType: number,
  dims: number[],
  values: Float32Array | Int32Array | BigInt64Array,
): onnxProto.onnx.ITensorProto {
  return {
    name,
    dataType,
    dims,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  };
}

function node(
  opType: string,
  input: string[],
  output: string[],
  attribute: onnxProto.onnx.IAttributeProto[] = [],
): onnxProto.onnx.INodeProto {
  return { opType, input, output, name: output[0] ?? opType, attribute };
}

function intAttribute(name: string, i: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}
