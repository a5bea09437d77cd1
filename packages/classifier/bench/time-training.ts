/**
 * Child process of the benchmark: trains a model on every row of the CSV and prints, as JSON, wall and CPU
 * seconds and the longest event-loop stall (the worker renews job locks on the same loop), in wall time and
 * in CPU time: on a shared machine the wall figure includes the time the process was not scheduled at all.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readLabelledCsv, type TrainOptions, train } from '../src/index';

const [dataPath, optionsJson] = process.argv.slice(2);
const all = await readLabelledCsv(dataPath as string);
const options = JSON.parse(optionsJson ?? '{}') as Partial<TrainOptions>;
const stalls = monitorEventLoopDelay({ resolution: 1 });
stalls.enable();
let longestCpuMs = 0;
let lastCpu = process.cpuUsage();
const ticker = setInterval(() => {
  const used = process.cpuUsage(lastCpu);
  longestCpuMs = Math.max(longestCpuMs, (used.user + used.system) / 1000);
  lastCpu = process.cpuUsage();
}, 1);
const cpu = process.cpuUsage();
const started = performance.now();
const trained = await train(all, options);
const wallSeconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
stalls.disable();
clearInterval(ticker);
process.stdout.write(
  `${JSON.stringify({
    rows: all.length,
    architecture: trained.architecture,
    epochs: trained.options.epochs,
    bestEpoch: trained.bestEpoch,
    refit: trained.options.refit,
    wallSeconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    longestStallMs: stalls.max / 1e6,
    longestStallCpuMs: longestCpuMs,
  })}\n`,
);
