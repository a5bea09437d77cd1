import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { CsvFormatError, formatCsv } from '@shelfwise/csv';
import { evaluate } from './evaluate';
import { exportModel } from './export-model';
import { inCliWords } from './in-cli-words';
import type { Device } from './inference-session';
import { readLabelledCsv } from './labelled-csv';
import { loadModel, type Predictor } from './load-model';
import { readModelFiles, writeModelFiles } from './model-files';
import { predictRows, type RowSink } from './predict-pipeline';
import { train } from './train';
import type { BestModelMetric } from './train-options';
import { UsageError } from './usage-error';

const USAGE = `usage: pnpm classifier <command> [options]
  train   --input data.csv --out dir/ [--epochs N] [--seed S] [--best-model-metric eval_f1|eval_f1_min]
  eval    --model dir/ --input labelled.csv [--device cpu|cuda]
  predict --model dir/ --input in.csv --output out.csv [--device cpu|cuda]`;

// pnpm runs the script from packages/classifier; INIT_CWD is where the user typed the command.
const baseDir = process.env.INIT_CWD ?? process.cwd();
const path = (value: string): string => resolve(baseDir, value);

async function openModel(dir: string, device: Device): Promise<Predictor> {
  const predictor = await loadModel({ ...(await readModelFiles(dir)), device });
  if (predictor.fallbackReason)
    process.stderr.write(`warning: CUDA unavailable, running on CPU: ${predictor.fallbackReason}\n`);
  return predictor;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      input: { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      output: { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      'best-model-metric': { type: 'string' },
      device: { type: 'string' },
    },
  });
  const required = (name: keyof typeof values): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new UsageError(`${command} needs --${name}`);
    return value;
  };
  const device = (values.device ?? 'cpu') as Device;
  if (device !== 'cpu' && device !== 'cuda') throw new UsageError('--device must be cpu or cuda');

  if (command === 'train') {
    // Every argument is checked before the (long) training starts.
    const inputPath = path(required('input'));
    const outDir = path(required('out'));
    const metric = (values['best-model-metric'] ?? 'eval_f1') as BestModelMetric;
    if (metric !== 'eval_f1' && metric !== 'eval_f1_min')
      throw new UsageError('--best-model-metric must be eval_f1 or eval_f1_min');
    const options = {
      ...(values.epochs ? { epochs: integer(values.epochs, '--epochs') } : {}),
      ...(values.seed ? { seed: integer(values.seed, '--seed') } : {}),
      bestModelMetric: metric,
    };
    const trained = await train(await readLabelledCsv(inputPath), options, {
      onEpoch: (e) => {
        const m = e.metrics;
        process.stderr.write(
          `epoch ${e.epoch}/${e.epochs} train_loss=${e.trainLoss.toFixed(4)} eval_loss=${m.loss?.toFixed(4)} ` +
            `eval_f1=${m.f1.toFixed(4)} eval_f1_min=${m.minF1.toFixed(4)}\n`,
        );
      },
    });
    const model = exportModel(trained);
    await writeModelFiles(outDir, model);
    process.stdout.write(
      `${JSON.stringify({ bestEpoch: trained.bestEpoch, metrics: trained.metrics }, null, 2)}\n`,
    );
  } else if (command === 'eval') {
    const modelDir = path(required('model'));
    const examples = await readLabelledCsv(path(required('input')), { acceptHumanVerified: true });
    const predictor = await openModel(modelDir, device);
    try {
      const predictions = await predictor.predict(examples.map((e) => e.text));
      const metrics = evaluate(
        examples.map((e) => e.label),
        predictions.map((p) => p.label),
        predictor.labels,
        predictions.map((p) => p.probabilities),
      );
      process.stdout.write(`${JSON.stringify(metrics, null, 2)}\n`);
    } finally {
      await predictor.release();
    }
  } else if (command === 'predict') {
    const modelDir = path(required('model'));
    const inputPath = path(required('input'));
    const outputPath = path(required('output'));
    const predictor = await openModel(modelDir, device);
    // Written beside the target and renamed at the end, so a failure never leaves a partial output file.
    const temporary = join(dirname(outputPath), `.${process.pid}.predict.tmp`);
    const output = createWriteStream(temporary);
    try {
      const file: RowSink = {
        write: async (rows) => {
          if (!output.write(formatCsv(rows))) await once(output, 'drain');
        },
      };
      const { counts, layout } = await predictRows(createReadStream(inputPath), predictor, {
        batchSize: 1024,
        open: (at) => {
          output.write(formatCsv([at.output]));
          return { predictions: file };
        },
      });
      if (!layout) throw new CsvFormatError('the CSV is empty: it has no header row');
      output.end();
      await finished(output);
      await rename(temporary, outputPath);
      process.stderr.write(`predicted ${counts.rows} rows into ${outputPath}\n`);
    } catch (error) {
      output.destroy();
      await rm(temporary, { force: true });
      throw error;
    } finally {
      await predictor.release();
    }
  } else {
    throw new UsageError(command ? `unknown command ${command}` : 'no command given');
  }
}

function integer(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new UsageError(`${name} must be an integer, got ${value}`);
  return n;
}

main(process.argv.slice(2)).catch((thrown: unknown) => {
  const error = inCliWords(thrown);
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(
      `error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    process.exitCode = 1;
  }
});
