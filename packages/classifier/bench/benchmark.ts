/**
 * Quality and speed of the classifier on the real data:
 *   pnpm --filter @shelfwise/classifier bench [path/to/Training_Data.csv]
 * (default: TRAINING_DATA_CSV, else ../shared/data/Training_Data.csv beside the repository).
 * Quality: stratified, seeded (42) 20% hold-out; models train on the other 80% only (the default model
 * takes its own validation rows from those by its validation rule, then refits on all of them), so the
 * hold-out chooses nothing. The references run on the same split: today's embedding bag in-process,
 * fastText and scikit-learn where installed, each compared to the default model by a paired bootstrap of
 * per-row predictions. Speed: training on all rows and single-thread inference, each in a child process.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forward } from '../src/embedding-bag';
import {
  type ClassificationMetrics,
  evaluate,
  expectedCalibrationError,
  exportModel,
  Featurizer,
  FingerprintReader,
  fingerprintTexts,
  forwardPathLinear,
  isValidationRow,
  type LabelledText,
  loadModel,
  normalizeText,
  type PairedBootstrap,
  PathTable,
  pairedBootstrap,
  readLabelledCsv,
  stratifiedSplit,
  type TrainedModel,
  type TrainedPathLinear,
  type TrainOptions,
  train,
  writeModelFiles,
} from '../src/index';
import { fastText, type Reference, tfidfSvm } from './references';
import { trainingDataPath } from './training-data-path';

const dataPath = trainingDataPath(process.argv[2] ?? process.env.TRAINING_DATA_CSV);
const SEED = 42;
const RESAMPLES = 1000;

const all = await readLabelledCsv(dataPath);
const { train: part, validation: holdout } = stratifiedSplit(all, 0.2, SEED);
const truth = holdout.map((e) => e.label);
console.log(`data: ${dataPath}`);
console.log(
  `${all.length} rows; train ${part.length}, hold-out ${holdout.length} (stratified, seed ${SEED}). ` +
    'Timings come from whatever machine runs this: on a shared one they are noisy.\n',
);

console.log('## The default model (path-table-linear-svm) on the hold-out');
const trained = (await train(
  part,
  { seed: SEED },
  {
    onEpoch: (e) =>
      console.log(
        `  epoch ${String(e.epoch).padStart(2)}: train loss ${e.trainLoss.toFixed(4)}  validation ` +
          `F1 ${e.metrics.f1.toFixed(4)}  min F1 ${e.metrics.minF1.toFixed(4)}  loss ${e.metrics.loss?.toFixed(4)}`,
      ),
  },
)) as TrainedPathLinear;
const labels = trained.labels;
const model = await holdoutPredictions(trained);
console.log(
  `best epoch ${trained.bestEpoch}; ${trained.pathTable.entries.length} category paths; fitted on ` +
    `${trained.trainingExamples} rows (refit: ${trained.options.refit}); ${trained.validationExamples} validation rows`,
);
console.log(`hold-out: ${line(model.metrics)}`);
for (const c of model.metrics.perClass)
  console.log(`  ${c.label.padEnd(28)} F1 ${c.f1.toFixed(4)}  (support ${c.support})`);
const paths = new PathTable(trained.pathTable.entries, trained.featurizer.pathWords);
const withPath = holdout.map((e) => paths.match(e.text).row > 0);
const subset = (keep: boolean) => {
  const rows = holdout.map((_, i) => i).filter((i) => withPath[i] === keep);
  return evaluate(
    rows.map((i) => truth[i] as string),
    rows.map((i) => model.predicted[i] as string),
    labels,
  );
};
console.log(`  rows with a table path (${subset(true).count}): accuracy ${subset(true).accuracy.toFixed(4)}`);
console.log(`  rows without (${subset(false).count}): accuracy ${subset(false).accuracy.toFixed(4)}`);

console.log('\n## Calibration (expected calibration error, 10 bins)');
const uncalibrated = uncalibratedConfidences(trained, holdout);
console.log(
  `hold-out: ECE ${expectedCalibrationError(uncalibrated.confidence, uncalibrated.correct).toFixed(4)} with temperature 1 → ` +
    `${expectedCalibrationError(
      model.probabilities.map((p) => Math.max(...p)),
      model.predicted.map((p, i) => p === truth[i]),
    ).toFixed(4)} with the fitted temperature ${trained.calibration.temperature.toFixed(3)}`,
);
console.log(
  `validation rows (where T was fitted on ${trained.calibration.rows} rows without a path): ` +
    `${trained.calibration.eceBefore.toFixed(4)} → ${trained.calibration.eceAfter.toFixed(4)}`,
);

console.log(
  `\n## References on the same split: paired bootstrap of per-row predictions (${RESAMPLES} resamples)`,
);
console.log('  Δ = default model − reference, with its 95% interval; p = share of resamples with Δ ≤ 0');
const today = await train(part, { seed: SEED, architecture: 'embedding-bag' });
const references: Reference[] = [
  { name: "today's model (embedding-bag, defaults)", ...(await holdoutPredictions(today)), seconds: 0 },
  fastText(part, holdout),
  tfidfSvm(part, holdout, 0.3, 'word+char'),
  tfidfSvm(part, holdout, 0.3, 'char'),
];
for (const reference of references) {
  if ('unavailable' in reference) {
    console.log(`${reference.name}: UNAVAILABLE (${reference.unavailable})`);
    continue;
  }
  const metrics = evaluate(truth, reference.predicted, labels);
  console.log(`${reference.name}: ${line(metrics)}`);
  console.log(`  ${comparison(bootstrap(model.predicted, reference.predicted))}`);
}

console.log('\n## Alternatives to the defaults (chosen by the validation rows; hold-out shown, not used)');
const variants: [string, Partial<TrainOptions>][] = [
  ['no refit (final model without its validation rows)', { refit: false }],
  ['C = 0.1', { c: 0.1 }],
  ['C = 1', { c: 1 }],
  ['20 epochs', { epochs: 20 }],
  ['character 3–5-grams, 128 ids', { featurizer: { charNgrams: [3, 5], maxLength: 128 } }],
  ['2^20 buckets', { featurizer: { buckets: 2 ** 20 } }],
  ['48 ids a text', { featurizer: { maxLength: 48 } }],
  ['no path table (one SVM on whole descriptions)', { featurizer: { pathWords: 0 } }],
  ['paths need 10 rows', { pathTable: { minSupport: 10, minPurity: 0.98 } }],
  ['paths need purity 0.9', { pathTable: { minSupport: 3, minPurity: 0.9 } }],
];
console.log(
  `  default: validation F1 ${trained.metrics.f1.toFixed(4)} / min ${trained.metrics.minF1.toFixed(4)}`,
);
for (const [name, options] of variants) {
  const variant = await train(part, { seed: SEED, ...options });
  const predictions = await holdoutPredictions(variant);
  const f1 = bootstrap(predictions.predicted, model.predicted).f1.difference;
  console.log(
    `  ${name.padEnd(50)} validation F1 ${variant.metrics.f1.toFixed(4)} / min ${variant.metrics.minF1.toFixed(4)}; ` +
      `hold-out ${predictions.metrics.f1.toFixed(4)} / ${predictions.metrics.minF1.toFixed(4)} ` +
      `(Δ F1 vs default ${signed(f1.value)} [${signed(f1.low)}, ${signed(f1.high)}])`,
  );
}

console.log('\n## ONNX graph against the TypeScript forward pass');
console.log(
  `max |difference| over 2,000 hold-out texts: ${(await parity(trained, holdout.slice(0, 2000))).toExponential(2)}`,
);

console.log('\n## Validation rule and training-set fingerprint on all rows');
const validation = all.filter((e) => isValidationRow(e.text));
for (const label of labels) {
  const n = all.filter((e) => e.label === label).length;
  const v = validation.filter((e) => e.label === label).length;
  console.log(`  ${label.padEnd(28)} ${v} of ${n} rows in validation (${((100 * v) / n).toFixed(1)}%)`);
}
const fingerprint = fingerprintTexts(all.map((e) => e.text));
console.log(
  `fingerprint of ${all.length} texts: ${fingerprint.bits} bits, ${fingerprint.hashes} hashes: ` +
    `${(fingerprint.bits / 8 / 1024).toFixed(1)} KiB, ${(fingerprint.data.length / 1024).toFixed(1)} KiB of base64 in the manifest`,
);
const partTexts = new Set(part.map((e) => normalizeText(e.text)));
const unseen = holdout.filter((e) => !partTexts.has(normalizeText(e.text)));
const partReader = new FingerprintReader(fingerprintTexts(part.map((e) => e.text)));
const falsePositives = unseen.filter((e) => partReader.has(e.text)).length;
console.log(
  `fingerprint of the training part: ${falsePositives} of ${unseen.length} unseen hold-out texts called seen ` +
    `(${((100 * falsePositives) / unseen.length).toFixed(2)}%); all ${part.length} training texts called seen: ` +
    `${part.every((e) => partReader.has(e.text))}`,
);

const work = mkdtempSync(join(tmpdir(), 'shelfwise-bench-'));
try {
  console.log('\n## Training time on all rows (child process; the JavaScript runs on one thread)');
  for (const [name, options] of [
    ['default model', {}],
    ["today's model", { architecture: 'embedding-bag' }],
  ] as const) {
    const t = child('time-training.ts', [dataPath, JSON.stringify({ seed: SEED, ...options })]);
    console.log(
      `  ${name}: ${t.rows} rows, ${t.epochs} epochs${t.refit ? ` + refit of ${t.bestEpoch} passes` : ''}: ` +
        `${t.wallSeconds.toFixed(2)} s wall, ${t.cpuSeconds.toFixed(2)} s CPU; longest event-loop stall ` +
        `${t.longestStallMs.toFixed(0)} ms wall, ${t.longestStallCpuMs.toFixed(0)} ms of CPU time`,
    );
  }

  console.log(
    '\n## Inference: featurize + ONNX, one onnxruntime thread, batches of 1,024 (child process each)',
  );
  const served = await train(all, { seed: SEED });
  // The default model's padded graph (manifest format 2's layout) is timed right after its ragged one.
  const timed = [
    ['default model', exportModel(served)],
    ['default model, padded graph', exportModel(served, { inputLayout: 'padded' })],
    ["today's model", exportModel(await train(all, { seed: SEED, architecture: 'embedding-bag' }))],
  ] as const;
  for (const [name, exported] of timed) {
    const dir = join(work, name.replace(/\W/g, ''));
    await writeModelFiles(dir, exported);
    const r = child('time-inference.ts', [dataPath, dir]);
    console.log(
      `  ${name}: ${Math.round(r.rowsPerSecond).toLocaleString('en')} rows/s median of 5 passes over ` +
        `${r.rows} rows (lowest ${Math.round(r.lowestRowsPerSecond).toLocaleString('en')}); featurize ` +
        `${r.featurizeUs.toFixed(2)} µs, ONNX ${r.onnxUs.toFixed(2)} µs, rest ${r.restUs.toFixed(2)} µs a row ` +
        `(CPU ${r.cpuUs.toFixed(2)} µs); model.onnx ${(exported.onnx.length / 2 ** 20).toFixed(1)} MiB, manifest ` +
        `${(JSON.stringify(exported.manifest).length / 1024).toFixed(0)} KiB`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

interface HoldoutPredictions {
  predicted: string[];
  probabilities: (readonly number[])[];
  metrics: ClassificationMetrics;
}

/** The model as served (exported, loaded into onnxruntime) on every hold-out text. */
async function holdoutPredictions(m: TrainedModel): Promise<HoldoutPredictions> {
  const predictor = await loadModel(exportModel(m));
  try {
    const predictions = await predictor.predict(holdout.map((e) => e.text));
    const predicted = predictions.map((p) => p.label);
    const probabilities = predictions.map((p) => p.probabilities);
    return { predicted, probabilities, metrics: evaluate(truth, predicted, predictor.labels, probabilities) };
  } finally {
    await predictor.release();
  }
}

function bootstrap(a: readonly string[], b: readonly string[]): PairedBootstrap {
  const index = (label: string): number => labels.indexOf(label);
  return pairedBootstrap(truth.map(index), a.map(index), b.map(index), labels.length, {
    resamples: RESAMPLES,
    seed: SEED,
  });
}

function comparison(result: PairedBootstrap): string {
  const part = (name: string, c: PairedBootstrap['f1']): string =>
    `${name} Δ ${signed(c.difference.value)} [${signed(c.difference.low)}, ${signed(c.difference.high)}] ` +
    `p ${c.aNotBetter.toFixed(3)} (default ${c.a.value.toFixed(4)} [${c.a.low.toFixed(4)}, ${c.a.high.toFixed(4)}], ` +
    `reference ${c.b.value.toFixed(4)} [${c.b.low.toFixed(4)}, ${c.b.high.toFixed(4)}])`;
  return `${part('weighted F1', result.f1)}\n  ${part('min F1', result.minF1)}`;
}

/** Confidences the model would give with temperature 1 (the SVM's raw scores through softmax). */
function uncalibratedConfidences(
  m: TrainedPathLinear,
  examples: readonly LabelledText[],
): { confidence: number[]; correct: boolean[] } {
  const t = m.calibration.temperature;
  const params = {
    ...m.parameters,
    weights: m.parameters.weights.map((w) => w * t),
    bias: m.parameters.bias.map((b) => b * t),
  };
  const featurizer = new Featurizer(m.featurizer);
  const table = new PathTable(m.pathTable.entries, m.featurizer.pathWords);
  const out = new Float32Array(m.labels.length);
  const confidence: number[] = [];
  const correct: boolean[] = [];
  for (const e of examples) {
    const { row, end } = table.match(e.text);
    const { ids, weights, count } = featurizer.featurize(e.text.slice(end));
    forwardPathLinear(params, ids, weights, 0, count, row, out);
    const best = out.indexOf(Math.max(...out));
    confidence.push(out[best] as number);
    correct.push(m.labels[best] === e.label);
  }
  return { confidence, correct };
}

async function parity(m: TrainedModel, examples: readonly LabelledText[]): Promise<number> {
  const predictor = await loadModel(exportModel(m));
  const predictions = await predictor.predict(examples.map((e) => e.text));
  await predictor.release();
  const featurizer = new Featurizer(m.featurizer);
  const expected = new Float32Array(m.labels.length);
  let worst = 0;
  examples.forEach((e, i) => {
    if (m.architecture === 'embedding-bag') {
      const { ids, weights, count } = featurizer.featurize(e.text);
      forward(m.parameters, ids, weights, 0, count, new Float32Array(m.parameters.dim), expected);
    } else {
      const { row, end } = new PathTable(m.pathTable.entries, m.featurizer.pathWords).match(e.text);
      const { ids, weights, count } = featurizer.featurize(e.text.slice(end));
      forwardPathLinear(m.parameters, ids, weights, 0, count, row, expected);
    }
    (predictions[i]?.probabilities ?? []).forEach((p, c) => {
      worst = Math.max(worst, Math.abs(p - (expected[c] as number)));
    });
  });
  return worst;
}

function child(script: string, args: string[]) {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(`./${script}`, import.meta.url)), ...args],
    { maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output.toString());
}

function line(m: ClassificationMetrics): string {
  return (
    `weighted F1 ${m.f1.toFixed(4)}  min F1 ${m.minF1.toFixed(4)}  macro F1 ${m.macroF1.toFixed(4)}  ` +
    `accuracy ${m.accuracy.toFixed(4)}`
  );
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(4)}`;
}
