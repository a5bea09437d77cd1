/**
 * Accuracy per confidence band on the real data, to choose REVIEW_CONFIDENCE (rows below it go to review):
 *   pnpm --filter @shelfwise/classifier bench:confidence [path/to/Training_Data.csv]
 * (default: TRAINING_DATA_CSV, else ../shared/data/Training_Data.csv beside the repository).
 * The default model trains on the stratified, seeded (42) 80% and predicts the other 20%, served as the
 * worker serves it (exported to ONNX, loaded by onnxruntime): each hold-out row falls into the band of its
 * calibrated confidence. For each threshold the table also says how many rows fall below it (the review
 * file's share), which share of all wrong predictions they hold, and the accuracy of the rows left above it.
 */
import { exportModel, loadModel, readLabelledCsv, stratifiedSplit, train } from '../src/index';
import { trainingDataPath } from './training-data-path';

const SEED = 42;
const BANDS = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.000001];

const dataPath = trainingDataPath(process.argv[2] ?? process.env.TRAINING_DATA_CSV);
const all = await readLabelledCsv(dataPath);
const { train: part, validation: holdout } = stratifiedSplit(all, 0.2, SEED);
const trained = await train(part, { seed: SEED });
const predictor = await loadModel(exportModel(trained));
const predictions = await predictor.predict(holdout.map((e) => e.text));
await predictor.release();

const scored = predictions.map((p, i) => ({
  confidence: p.confidence,
  correct: p.label === holdout[i]?.label,
}));
const accuracy = (rows: typeof scored) =>
  rows.length === 0 ? '     -' : (rows.filter((r) => r.correct).length / rows.length).toFixed(4);
const wrong = scored.filter((r) => !r.correct).length;
const pct = (n: number, of = scored.length) => `${((100 * n) / of).toFixed(1).padStart(5)}%`;

console.log(`data: ${dataPath}; train ${part.length}, hold-out ${holdout.length} (stratified, seed ${SEED})`);
console.log(`hold-out accuracy ${accuracy(scored)}\n`);
console.log(
  'confidence band   rows  share  accuracy | below lower bound: rows  share  errors | accuracy above',
);
for (let b = 0; b + 1 < BANDS.length; b++) {
  const low = BANDS[b] as number;
  const high = BANDS[b + 1] as number;
  const band = scored.filter((r) => r.confidence >= low && r.confidence < high);
  const below = scored.filter((r) => r.confidence < low);
  const above = scored.filter((r) => r.confidence >= low);
  console.log(
    `[${low.toFixed(2)}, ${Math.min(high, 1).toFixed(2)}${high > 1 ? ']' : ')'}  ${String(band.length).padStart(6)} ${pct(band.length)}    ${accuracy(band)} |` +
      `             ${String(below.length).padStart(6)} ${pct(below.length)}  ${pct(below.filter((r) => !r.correct).length, wrong)} |` +
      `         ${accuracy(above)}`,
  );
}
