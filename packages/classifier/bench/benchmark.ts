/**
 * Quality and speed of the classifier on the real data:
 *   pnpm --filter @shelfwise/classifier exec tsx bench/benchmark.ts [path/to/Training_Data.csv]
 * (default: TRAINING_DATA_CSV, else ../shared/data/Training_Data.csv beside the repository).
 * Quality: stratified, seeded (42) 20% hold-out; the model trains on the other 80% (10% of which is its
 * per-epoch validation set, so the hold-out plays no part in choosing the epoch). fastText runs on the same
 * split when the `fasttext` binary is installed. Speed: training on all rows, and in-process inference in
 * batches of 1,024 with onnxruntime on one thread.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { forward } from '../src/embedding-bag';
import {
  type ClassificationMetrics,
  evaluate,
  exportModel,
  Featurizer,
  type LabelledText,
  loadModel,
  readLabelledCsv,
  stratifiedSplit,
  type TrainedModel,
  type TrainOptions,
  train,
} from '../src/index';
import { trainingDataPath } from './training-data-path';

const dataPath = trainingDataPath(process.argv[2] ?? process.env.TRAINING_DATA_CSV);
const SEED = 42;
const BATCH = 1024;

const all = await readLabelledCsv(dataPath);
const { train: trainPart, validation: holdout } = stratifiedSplit(all, 0.2, SEED);
console.log(
  `data: ${all.length} rows; train ${trainPart.length}, hold-out ${holdout.length} (stratified, seed ${SEED})\n`,
);

console.log('## Quality on the hold-out (ONNX model)');
const variants: [string, Partial<TrainOptions>][] = [
  ['rowwise-adagrad, no balancing (default)', {}],
  ['rowwise-adagrad, class-weights', { classBalancing: 'class-weights' }],
  ['rowwise-adagrad, oversample', { classBalancing: 'oversample' }],
  ['plain sgd, no balancing', { optimizer: 'sgd' }],
];
const trainedVariants: TrainedModel[] = [];
for (const [name, options] of variants) {
  const trained = await train(trainPart, { seed: SEED, ...options });
  trainedVariants.push(trained);
  const metrics = await holdoutMetrics(trained, holdout);
  console.log(
    `${name.padEnd(40)} ${line(metrics)}  (best epoch ${trained.bestEpoch}/${trained.options.epochs}, ` +
      `validation F1 ${trained.metrics.f1.toFixed(4)} / min ${trained.metrics.minF1.toFixed(4)})`,
  );
}
const reference = trainedVariants[0] as TrainedModel;
const referenceMetrics = await holdoutMetrics(reference, holdout);
console.log('\nper-class F1 (default):');
for (const c of referenceMetrics.perClass)
  console.log(`  ${c.label.padEnd(28)} ${c.f1.toFixed(4)}  (support ${c.support})`);
runFastText(trainPart, holdout);

console.log("\n## ONNX graph against the trainer's forward pass");
console.log(
  `max |difference| over 2,000 hold-out texts: ${(await parity(reference, holdout.slice(0, 2000))).toExponential(2)}`,
);

console.log('\n## Training time on all rows (one thread)');
const stalls = monitorEventLoopDelay({ resolution: 5 });
stalls.enable();
const started = performance.now();
const full = await train(all, { seed: SEED });
const trainSeconds = (performance.now() - started) / 1000;
stalls.disable();
console.log(
  `${all.length} rows, ${full.options.epochs} epochs, with per-epoch evaluation: ${trainSeconds.toFixed(2)} s wall; ` +
    `longest event-loop stall ${(stalls.max / 1e6).toFixed(0)} ms`,
);

console.log('\n## Inference (featurize + ONNX run, batches of 1,024, intraOpNumThreads 1)');
const exported = exportModel(full);
const predictor = await loadModel({ ...exported, intraOpNumThreads: 1, batchSize: BATCH });
const texts = all.map((e) => e.text);
await predictor.predict(texts.slice(0, 20 * BATCH));
const rounds: { rowsPerSecond: number; featurizeMs: number; inferenceMs: number; totalMs: number }[] = [];
for (let round = 0; round < 5; round++) {
  const before = { ...predictor.timings };
  const t0 = performance.now();
  await predictor.predict(texts);
  const totalMs = performance.now() - t0;
  rounds.push({
    rowsPerSecond: texts.length / (totalMs / 1000),
    featurizeMs: predictor.timings.featurizeMs - before.featurizeMs,
    inferenceMs: predictor.timings.inferenceMs - before.inferenceMs,
    totalMs,
  });
}
await predictor.release();
rounds.sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
const median = rounds[Math.floor(rounds.length / 2)] as (typeof rounds)[number];
const perRow = (ms: number): string => `${((ms * 1000) / texts.length).toFixed(2)} µs/row`;
console.log(
  `median of ${rounds.length} passes over ${texts.length} rows: ${Math.round(median.rowsPerSecond).toLocaleString('en')} rows/s ` +
    `(min ${Math.round((rounds[0] as (typeof rounds)[number]).rowsPerSecond).toLocaleString('en')}); ` +
    `featurize ${perRow(median.featurizeMs)}, ONNX run ${perRow(median.inferenceMs)}, ` +
    `rest (tensors, result objects) ${perRow(median.totalMs - median.featurizeMs - median.inferenceMs)}`,
);
console.log(`model: ${(exported.onnx.length / 2 ** 20).toFixed(1)} MiB ONNX`);

async function holdoutMetrics(
  trained: TrainedModel,
  examples: readonly LabelledText[],
): Promise<ClassificationMetrics> {
  const model = await loadModel(exportModel(trained));
  try {
    const predictions = await model.predict(examples.map((e) => e.text));
    return evaluate(
      examples.map((e) => e.label),
      predictions.map((p) => p.label),
      model.labels,
      predictions.map((p) => p.probabilities),
    );
  } finally {
    await model.release();
  }
}

async function parity(trained: TrainedModel, examples: readonly LabelledText[]): Promise<number> {
  const model = await loadModel(exportModel(trained));
  const predictions = await model.predict(examples.map((e) => e.text));
  await model.release();
  const featurizer = new Featurizer(trained.featurizer);
  const { dim, classes } = trained.parameters;
  const hidden = new Float32Array(dim);
  const expected = new Float32Array(classes);
  let worst = 0;
  examples.forEach((e, i) => {
    const { ids, weights, count } = featurizer.featurize(e.text);
    forward(trained.parameters, ids, weights, 0, count, hidden, expected);
    (predictions[i]?.probabilities ?? []).forEach((p, c) => {
      worst = Math.max(worst, Math.abs(p - (expected[c] as number)));
    });
  });
  return worst;
}

function line(m: ClassificationMetrics): string {
  return `weighted F1 ${m.f1.toFixed(4)}  min F1 ${m.minF1.toFixed(4)}  macro F1 ${m.macroF1.toFixed(4)}  accuracy ${m.accuracy.toFixed(4)}`;
}

/** fastText 0.9.x command line, when installed (Debian: apt-get install fasttext), on the same split. */
function runFastText(trainSet: readonly LabelledText[], testSet: readonly LabelledText[]): void {
  try {
    execFileSync('fasttext', [], { stdio: 'ignore' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      console.log('\nfastText: not installed, skipped');
      return;
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'shelfwise-fasttext-'));
  try {
    const labels = [...new Set(trainSet.map((e) => e.label))].sort();
    const asLine = (e: LabelledText): string =>
      `__label__${labels.indexOf(e.label)} ${e.text.replace(/\s+/g, ' ')}\n`;
    writeFileSync(join(dir, 'train.txt'), trainSet.map(asLine).join(''));
    writeFileSync(join(dir, 'test.txt'), testSet.map(asLine).join(''));
    const variants: [string, string[]][] = [
      ['defaults', []],
      [
        '-wordNgrams 2 -minn 3 -maxn 5 -epoch 10',
        ['-wordNgrams', '2', '-minn', '3', '-maxn', '5', '-epoch', '10'],
      ],
    ];
    console.log('\nfastText on the same split:');
    for (const [name, args] of variants) {
      const t0 = performance.now();
      execFileSync('fasttext', [
        'supervised',
        '-input',
        join(dir, 'train.txt'),
        '-output',
        join(dir, 'model'),
        '-seed',
        String(SEED),
        '-verbose',
        '0',
        ...args,
      ]);
      const trainMs = performance.now() - t0;
      const predicted = execFileSync('fasttext', ['predict', join(dir, 'model.bin'), join(dir, 'test.txt')], {
        maxBuffer: 1 << 26,
      })
        .toString()
        .trim()
        .split('\n')
        .map((l) => labels[Number(l.replace('__label__', ''))] as string);
      const m = evaluate(
        testSet.map((e) => e.label),
        predicted,
        labels,
      );
      console.log(
        `  ${name.padEnd(40)} ${line(m)}  (train ${(trainMs / 1000).toFixed(1)} s, ${readFileSync(join(dir, 'model.bin')).length >> 20} MiB)`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
