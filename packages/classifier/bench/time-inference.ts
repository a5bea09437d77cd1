/**
 * Child process of the benchmark, so that each model is timed in a process that served nothing else (as a
 * worker does): featurize + onnxruntime on one thread, batches of 1,024, five passes over the CSV's texts.
 * Prints JSON: the median and lowest rows/s and the median pass's microseconds a row in each part, and its
 * CPU microseconds a row (the process's user + system time: on a shared machine it moves less than wall
 * time, which counts the waits for a core).
 */
import { loadModel, readLabelledCsv, readModelFiles } from '../src/index';

const [dataPath, modelDir] = process.argv.slice(2);
const texts = (await readLabelledCsv(dataPath as string)).map((e) => e.text);
const predictor = await loadModel({ ...(await readModelFiles(modelDir as string)), intraOpNumThreads: 1 });
await predictor.predict(texts.slice(0, 20_480));
const passes: {
  rowsPerSecond: number;
  featurizeUs: number;
  onnxUs: number;
  restUs: number;
  cpuUs: number;
}[] = [];
for (let pass = 0; pass < 5; pass++) {
  const before = { ...predictor.timings };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await predictor.predict(texts);
  const ms = performance.now() - started;
  const { user, system } = process.cpuUsage(cpu);
  const featurizeMs = predictor.timings.featurizeMs - before.featurizeMs;
  const onnxMs = predictor.timings.inferenceMs - before.inferenceMs;
  const perRow = (x: number): number => (x * 1000) / texts.length;
  passes.push({
    rowsPerSecond: texts.length / (ms / 1000),
    featurizeUs: perRow(featurizeMs),
    onnxUs: perRow(onnxMs),
    restUs: perRow(ms - featurizeMs - onnxMs),
    cpuUs: (user + system) / texts.length,
  });
}
await predictor.release();
passes.sort((a, b) => a.rowsPerSecond - b.rowsPerSecond);
const median = passes[2] as (typeof passes)[number];
process.stdout.write(
  `${JSON.stringify({ rows: texts.length, ...median, lowestRowsPerSecond: passes[0]?.rowsPerSecond })}\n`,
);
