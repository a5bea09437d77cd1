import {
  copyParameters,
  type EmbeddingBagParameters,
  evaluateParameters,
  initialParameters,
  perBucket,
} from './embedding-bag';
import { Featurizer } from './featurizer';
import { DEFAULT_FEATURIZER_SETTINGS, type MeanBagFeaturizerSettings } from './featurizer-settings';
import { createRandom, shuffleInPlace } from './random';
import { Sgd } from './sgd';
import type { EpochReport, TrainedEmbeddingBag, TrainHooks, TrainingInput } from './train';
import { fingerprintInSlices } from './training-fingerprint';
import { buildTrainingSet, classWeights, oversampledIndices } from './training-set';

/**
 * Trains the embedding-bag classifier with SGD (plain or row-wise AdaGrad) on typed arrays, evaluating on the
 * validation set after every epoch and keeping the parameters of the best one.
 */
export async function trainEmbeddingBag(
  input: TrainingInput,
  hooks: TrainHooks,
): Promise<TrainedEmbeddingBag> {
  const { options: opts, split, labels } = input;
  const featurizer = new Featurizer({
    ...DEFAULT_FEATURIZER_SETTINGS,
    ...opts.featurizer,
  } as MeanBagFeaturizerSettings);
  if (featurizer.settings.algorithm !== 'hashed-ngrams-1')
    throw new RangeError('embedding-bag needs featurizer algorithm hashed-ngrams-1');
  const { slicer } = input;
  const data = await buildTrainingSet(featurizer, split.train, split.validation, labels, slicer);

  const random = createRandom(opts.seed);
  const params = initialParameters(data.rows, opts.dim, labels.length, random);
  const weights = classWeights(data.trainTargets, labels.length, opts.classBalancing);
  const sgd = new Sgd(params, data.trainFeatures, data.trainTargets, weights, opts.optimizer);
  const epochOrder = (): Int32Array =>
    shuffleInPlace(
      opts.classBalancing === 'oversample'
        ? oversampledIndices(data.trainTargets, labels.length, random)
        : Int32Array.from(data.trainTargets, (_, i) => i),
      random,
    );

  const history: EpochReport[] = [];
  let best: { epoch: number; score: number; params: EmbeddingBagParameters } | null = null;
  const started = performance.now();
  let totalSteps = 0;
  let step = 0;
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const order = epochOrder();
    // Epoch sizes are equal (oversampling draws to fixed class sizes), so the schedule's length is known now.
    if (epoch === 1) totalSteps = order.length * opts.epochs;
    let lossSum = 0;
    for (let i = 0; i < order.length; i++) {
      lossSum += sgd.step(order[i] as number, opts.learningRate * (1 - step / totalSteps));
      step++;
      if ((i & 255) === 255) {
        slicer.advance(step / totalSteps);
        await slicer.tick();
      }
    }
    const metrics = evaluateParameters(params, labels, data.validationFeatures, data.validationTargets);
    const report = {
      epoch,
      epochs: opts.epochs,
      trainLoss: lossSum / order.length,
      metrics,
      elapsedMs: performance.now() - started,
    };
    history.push(report);
    const score = opts.bestModelMetric === 'eval_f1' ? metrics.f1 : metrics.minF1;
    if (best === null || score > best.score) best = { epoch, score, params: copyParameters(params) };
    await hooks.onEpoch?.(report);
    await slicer.yield();
  }
  if (best === null) throw new RangeError('epochs must be at least 1');
  const bestEpoch = best.epoch;
  return {
    architecture: 'embedding-bag',
    labels,
    featurizer: featurizer.settings,
    parameters: perBucket(best.params, data.rowOfBucket),
    bestEpoch,
    bestModelMetric: opts.bestModelMetric,
    metrics: (history[bestEpoch - 1] as EpochReport).metrics,
    history,
    options: {
      architecture: 'embedding-bag',
      epochs: opts.epochs,
      seed: opts.seed,
      bestModelMetric: opts.bestModelMetric,
      validationRule: input.validationRule,
      refit: false,
      c: null,
      pathTable: null,
      dim: opts.dim,
      optimizer: opts.optimizer,
      learningRate: opts.learningRate,
      classBalancing: opts.classBalancing,
    },
    trainingDataHash: input.trainingDataHash,
    trainingExamples: split.train.length,
    validationExamples: split.validation.length,
    trainingSet: {
      validationRule: input.validationRule,
      refit: false,
      fingerprint: await fingerprintInSlices(split.train, slicer),
    },
  };
}
