import { createHash } from 'node:crypto';
import { Featurizer } from './featurizer';
import { type InputLayout, MANIFEST_FORMAT_VERSION, type ModelManifest } from './model-manifest';
import { buildOnnxGraph, buildPathLinearOnnxGraph, buildRaggedPathLinearOnnxGraph } from './onnx-graph';
import type { TrainedModel } from './train';

export interface ExportedModel {
  readonly onnx: Uint8Array;
  readonly manifest: ModelManifest;
}

export interface ExportOptions {
  readonly createdAt?: Date;
  /**
   * Path-table models only: `ragged` (the default) or `padded`, the graph of manifest format 2, which the
   * benchmark times against it. The embedding bag has only `padded`.
   */
  readonly inputLayout?: InputLayout;
}

/** The ONNX graph and its manifest; the ONNX bytes are identical for identical training runs. */
export function exportModel(trained: TrainedModel, options: ExportOptions = {}): ExportedModel {
  const { onnx, inputLayout } = graphOf(trained, options.inputLayout);
  const common = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    inputLayout,
    labels: [...trained.labels],
    featurizerHash: new Featurizer(trained.featurizer).hash,
    onnxSha256: createHash('sha256').update(onnx).digest('hex'),
    bestEpoch: trained.bestEpoch,
    bestModelMetric: trained.bestModelMetric,
    metrics: trained.metrics,
    history: trained.history.map(({ epoch, trainLoss, metrics }) => ({ epoch, trainLoss, metrics })),
    trainingSet: trained.trainingSet,
    trainingDataHash: trained.trainingDataHash,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
  } as const;
  const o = trained.options;
  const counts = {
    trainingExamples: trained.trainingExamples,
    validationExamples: trained.validationExamples,
  };
  if (trained.architecture === 'embedding-bag') {
    const manifest: ModelManifest = {
      ...common,
      architecture: 'embedding-bag',
      featurizer: trained.featurizer,
      training: {
        epochs: o.epochs,
        seed: o.seed,
        dim: trained.parameters.dim,
        optimizer: trained.options.optimizer,
        learningRate: trained.options.learningRate,
        classBalancing: trained.options.classBalancing,
        validationFraction: o.validationRule?.fraction ?? 0,
        ...counts,
      },
    };
    return { onnx, manifest };
  }
  const manifest: ModelManifest = {
    ...common,
    architecture: 'path-table-linear-svm',
    featurizer: trained.featurizer,
    pathTable: trained.pathTable,
    calibration: trained.calibration,
    training: { epochs: o.epochs, seed: o.seed, c: trained.options.c, ...counts },
  };
  return { onnx, manifest };
}

function graphOf(
  trained: TrainedModel,
  layout: InputLayout | undefined,
): { onnx: Uint8Array; inputLayout: InputLayout } {
  const { maxLength } = trained.featurizer;
  if (trained.architecture === 'embedding-bag') {
    if (layout === 'ragged') throw new RangeError('the embedding bag has no ragged graph');
    return { onnx: buildOnnxGraph(trained.parameters, maxLength), inputLayout: 'padded' };
  }
  return layout === 'padded'
    ? { onnx: buildPathLinearOnnxGraph(trained.parameters, maxLength), inputLayout: 'padded' }
    : { onnx: buildRaggedPathLinearOnnxGraph(trained.parameters), inputLayout: 'ragged' };
}
