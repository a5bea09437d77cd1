import { expectedCalibrationError, fitTemperature, softmaxInto } from './calibration';
import { type ClassificationMetrics, evaluate } from './evaluate';
import { Featurizer } from './featurizer';
import { SUBLINEAR_FEATURIZER_SETTINGS, type SublinearFeaturizerSettings } from './featurizer-settings';
import type { Calibration } from './model-manifest';
import { linearScores, type PathLinearParameters } from './path-linear-model';
import {
  learnPathTable,
  type PathEntry,
  PathTable,
  type PathTableOptions,
  pathProbabilities,
} from './path-table';
import { createRandom, shuffleInPlace } from './random';
import { DualCoordinateDescent } from './svm';
import type { TimeSlicer } from './time-slicer';
import type { EpochReport, TrainedPathLinear, TrainHooks, TrainingInput } from './train';
import type { LabelledText } from './train-options';
import { fingerprintInSlices } from './training-fingerprint';
import { buildTrainingSet, spreadRows, type TrainingSet } from './training-set';

/** Rows featurized for the SVM: the category-path table learned from `train`, and every text's path row. */
interface Prepared {
  readonly entries: readonly PathEntry[];
  readonly data: TrainingSet;
  readonly validationPaths: Int32Array;
}

interface Scored {
  readonly metrics: ClassificationMetrics;
  readonly temperature: number;
  /** Confidence and correctness of every validation row, with temperature 1 and with `temperature`. */
  readonly raw: { confidence: Float64Array; correct: Uint8Array };
  readonly calibrated: { confidence: Float64Array; correct: Uint8Array };
}

/**
 * Learns the category-path table, then trains the one-vs-rest linear SVM on every text with its path cut
 * off (the product names), one coordinate-descent pass per epoch, each followed by an evaluation of the
 * whole model on the validation rows with a temperature fitted on their name-model rows. The best epoch
 * chooses the number of passes and the temperature; with `refit` the table and the SVM are then learned
 * again, from all rows, with those settings.
 */
export async function trainPathLinear(input: TrainingInput, hooks: TrainHooks): Promise<TrainedPathLinear> {
  const { options: opts, split, labels } = input;
  const settings = { ...SUBLINEAR_FEATURIZER_SETTINGS, ...opts.featurizer } as SublinearFeaturizerSettings;
  if (settings.algorithm !== 'hashed-ngrams-2')
    throw new RangeError('path-table-linear-svm needs featurizer algorithm hashed-ngrams-2');
  const featurizer = new Featurizer(settings);
  const { slicer } = input;
  const started = performance.now();
  const random = createRandom(opts.seed);

  const fit = await prepare(featurizer, opts.pathTable, split.train, split.validation, labels, slicer);
  const svm = new DualCoordinateDescent(
    fit.data.trainFeatures,
    fit.data.trainTargets,
    labels.length,
    fit.data.rows,
    opts.c,
  );
  const history: EpochReport[] = [];
  let best: {
    epoch: number;
    score: number;
    scored: Scored;
    weights: Float32Array;
    bias: Float64Array;
  } | null = null;
  const refit = opts.refit && input.validationRule !== null;
  // Passes over the rows: the search's epochs, then (with refit) at most as many again.
  const passes = opts.epochs * (refit ? 2 : 1);
  const progressOf = (pass: number) => (done: number) => slicer.advance((pass + done) / passes);
  for (let epoch = 1; epoch <= opts.epochs; epoch++) {
    const loss = await sweepAll(svm, random, slicer, progressOf(epoch - 1));
    await slicer.tick();
    const scored = await scoreValidation(svm, fit, labels, slicer);
    const report = {
      epoch,
      epochs: opts.epochs,
      trainLoss: loss / (fit.data.trainTargets.length * labels.length),
      metrics: scored.metrics,
      elapsedMs: performance.now() - started,
    };
    history.push(report);
    const score = opts.bestModelMetric === 'eval_f1' ? scored.metrics.f1 : scored.metrics.minF1;
    if (best === null || score > best.score)
      best = { epoch, score, scored, weights: svm.weights.slice(), bias: svm.bias.slice() };
    await hooks.onEpoch?.(report);
    await slicer.yield();
  }
  if (best === null) throw new RangeError('epochs must be at least 1');

  let final = { prepared: fit, weights: best.weights, bias: best.bias, examples: split.train };
  if (refit) {
    const all = [...split.train, ...split.validation];
    const prepared = await prepare(featurizer, opts.pathTable, all, [], labels, slicer);
    const full = new DualCoordinateDescent(
      prepared.data.trainFeatures,
      prepared.data.trainTargets,
      labels.length,
      prepared.data.rows,
      opts.c,
    );
    for (let pass = 0; pass < best.epoch; pass++)
      await sweepAll(full, random, slicer, progressOf(opts.epochs + pass));
    final = { prepared, weights: full.weights, bias: full.bias, examples: all };
  }
  const { temperature } = best.scored;
  const calibration: Calibration = {
    method: 'temperature',
    temperature,
    rows: fit.validationPaths.filter((row) => row === 0).length,
    eceBefore: expectedCalibrationError(best.scored.raw.confidence, best.scored.raw.correct),
    eceAfter: expectedCalibrationError(best.scored.calibrated.confidence, best.scored.calibrated.correct),
  };
  const fingerprint = await fingerprintInSlices(final.examples, slicer);
  return {
    architecture: 'path-table-linear-svm',
    labels,
    featurizer: settings,
    parameters: servedParameters(final, labels.length, temperature),
    pathTable: { ...opts.pathTable, entries: final.prepared.entries },
    calibration,
    bestEpoch: best.epoch,
    bestModelMetric: opts.bestModelMetric,
    metrics: best.scored.metrics,
    history,
    options: {
      architecture: 'path-table-linear-svm',
      epochs: opts.epochs,
      seed: opts.seed,
      bestModelMetric: opts.bestModelMetric,
      validationRule: input.validationRule,
      refit,
      c: opts.c,
      pathTable: opts.pathTable,
      dim: null,
      optimizer: null,
      learningRate: null,
      classBalancing: null,
    },
    trainingDataHash: input.trainingDataHash,
    trainingExamples: final.examples.length,
    validationExamples: split.validation.length,
    trainingSet: { validationRule: input.validationRule, refit, fingerprint },
  };
}

async function prepare(
  featurizer: Featurizer,
  options: PathTableOptions,
  train: readonly LabelledText[],
  validation: readonly LabelledText[],
  labels: readonly string[],
  slicer: TimeSlicer,
): Promise<Prepared> {
  const pathWords = (featurizer.settings as SublinearFeaturizerSettings).pathWords;
  const entries = await learnPathTable(train, labels, pathWords, options, slicer);
  const table = new PathTable(entries, pathWords);
  const match = { row: 0, end: 0 };
  const names = async (examples: readonly LabelledText[], paths: Int32Array): Promise<LabelledText[]> => {
    const out: LabelledText[] = [];
    for (let i = 0; i < examples.length; i++) {
      if ((i & 255) === 255) await slicer.tick();
      const e = examples[i] as LabelledText;
      table.match(e.text, match);
      paths[i] = match.row;
      out.push(match.end === 0 ? e : { text: e.text.slice(match.end), label: e.label });
    }
    return out;
  };
  const validationPaths = new Int32Array(validation.length);
  const trainNames = await names(train, new Int32Array(train.length));
  const validationNames = await names(validation, validationPaths);
  const data = await buildTrainingSet(featurizer, trainNames, validationNames, labels, slicer);
  return { entries, data, validationPaths };
}

/**
 * One pass over the rows in a new random order, in time slices, telling `progress` the share of the pass
 * done; returns the summed squared hinge loss.
 */
async function sweepAll(
  svm: DualCoordinateDescent,
  random: () => number,
  slicer: TimeSlicer,
  progress: (done: number) => void,
): Promise<number> {
  const order = shuffleInPlace(
    Int32Array.from(svm.targets, (_, i) => i),
    random,
  );
  let loss = 0;
  for (let from = 0; from < order.length; from += 512) {
    loss += svm.sweep(order, from, Math.min(from + 512, order.length));
    progress(from / order.length);
    await slicer.tick();
  }
  return loss;
}

/**
 * The validation metrics of the model as it would serve: rows with a table path get the path's
 * probabilities, the others softmax(scores / T) with T fitted on exactly those rows.
 */
async function scoreValidation(
  svm: DualCoordinateDescent,
  fit: Prepared,
  labels: readonly string[],
  slicer: TimeSlicer,
): Promise<Scored> {
  const classes = labels.length;
  const { validationFeatures: features, validationTargets: targets } = fit.data;
  const named: number[] = [];
  fit.validationPaths.forEach((row, i) => {
    if (row === 0) named.push(i);
  });
  const scores = new Float32Array(named.length * classes);
  named.forEach((i, n) => {
    const { offsets, ids, weights } = features;
    const out = scores.subarray(n * classes, (n + 1) * classes);
    linearScores(
      svm.weights,
      svm.bias,
      classes,
      ids,
      weights,
      offsets[i] as number,
      offsets[i + 1] as number,
      out,
    );
  });
  const namedTargets = Int32Array.from(named, (i) => targets[i] as number);
  await slicer.tick();
  const temperature = fitTemperature(scores, namedTargets, classes);
  await slicer.tick();

  const probabilities: Float32Array[] = [];
  const raw = { confidence: new Float64Array(targets.length), correct: new Uint8Array(targets.length) };
  const calibrated = {
    confidence: new Float64Array(targets.length),
    correct: new Uint8Array(targets.length),
  };
  const unscaled = new Float32Array(classes);
  const outcome = (into: typeof raw, i: number, p: Float32Array): number => {
    const best = argmax(p);
    into.confidence[i] = p[best] as number;
    into.correct[i] = best === targets[i] ? 1 : 0;
    return best;
  };
  let n = 0;
  const predicted = Array.from(targets, (_, i) => {
    const row = fit.validationPaths[i] as number;
    let p: Float32Array;
    if (row > 0) {
      p = Float32Array.from(pathProbabilities(fit.entries[row - 1] as PathEntry));
      outcome(raw, i, p);
    } else {
      p = softmaxInto(scores, n * classes, 1 / temperature, new Float32Array(classes));
      outcome(raw, i, softmaxInto(scores, n * classes, 1, unscaled));
      n++;
    }
    probabilities.push(p);
    return labels[outcome(calibrated, i, p)] as string;
  });
  const truth = Array.from(targets, (c) => labels[c] as string);
  await slicer.tick();
  return { metrics: evaluate(truth, predicted, labels, probabilities), temperature, raw, calibrated };
}

function argmax(p: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
  return best;
}

/** The served parameters: weights per bucket divided by the temperature, and the table's rows. */
function servedParameters(
  final: { prepared: Prepared; weights: Float32Array; bias: Float64Array },
  classes: number,
  temperature: number,
): PathLinearParameters {
  const weights = spreadRows(final.weights, classes, final.prepared.data.rowOfBucket);
  for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] as number) / temperature;
  const entries = final.prepared.entries;
  const pathLogits = new Float32Array((entries.length + 1) * classes);
  const nameGate = new Float32Array(entries.length + 1);
  nameGate[0] = 1;
  entries.forEach((entry, r) => {
    pathLogits.set(
      pathProbabilities(entry).map((p) => Math.log(p)),
      (r + 1) * classes,
    );
  });
  return {
    classes,
    weights,
    bias: Float32Array.from(final.bias, (b) => b / temperature),
    pathLogits,
    nameGate,
  };
}
