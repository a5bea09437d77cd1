import { createHash } from 'node:crypto';
import { Featurizer } from './featurizer';
import { MANIFEST_FORMAT_VERSION, type ModelManifest } from './model-manifest';
import { buildOnnxGraph } from './onnx-graph';
import type { TrainedModel } from './train';

export interface ExportedModel {
  readonly onnx: Uint8Array;
  readonly manifest: ModelManifest;
}

/** The ONNX graph and its manifest; the ONNX bytes are identical for identical training runs. */
export function exportModel(trained: TrainedModel, options: { createdAt?: Date } = {}): ExportedModel {
  const onnx = buildOnnxGraph(trained.parameters, trained.featurizer.maxLength);
  const { options: o } = trained;
  const manifest: ModelManifest = {
    formatVersion: MANIFEST_FORMAT_VERSION,
    labels: [...trained.labels],
    featurizer: trained.featurizer,
    featurizerHash: new Featurizer(trained.featurizer).hash,
    onnxSha256: createHash('sha256').update(onnx).digest('hex'),
    bestEpoch: trained.bestEpoch,
    bestModelMetric: trained.bestModelMetric,
    metrics: trained.metrics,
    history: trained.history.map(({ epoch, trainLoss, metrics }) => ({ epoch, trainLoss, metrics })),
    training: {
      epochs: o.epochs,
      seed: o.seed,
      dim: o.dim,
      optimizer: o.optimizer,
      learningRate: o.learningRate,
      classBalancing: o.classBalancing,
      validationFraction: o.validationFraction,
      trainingExamples: trained.trainingExamples,
      validationExamples: trained.validationExamples,
    },
    trainingDataHash: trained.trainingDataHash,
    createdAt: (options.createdAt ?? new Date()).toISOString(),
  };
  return { onnx, manifest };
}
