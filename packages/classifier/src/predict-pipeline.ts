import type { Readable } from 'node:stream';
import { type CsvReadOptions, readCsvBatches } from '@shelfwise/csv';
import { HUMAN_LABEL_COLUMN, type PredictionLayout, predictionLayout, TEXT_COLUMN } from './csv-schema';
import { InvalidRowsError } from './invalid-rows-error';
import type { Predictor } from './load-model';
import { RowProblems } from './row-problems';

/** Where a batch of CSV rows goes (a file, an upload); header-less: the caller writes headers. */
export interface RowSink {
  write(rows: readonly (readonly string[])[]): Promise<void>;
}

/** One human-verified row of a batch: its text, the true label and the model's prediction. */
export interface VerifiedRow {
  readonly text: string;
  readonly label: string;
  readonly predicted: string;
}

export interface PredictSinks {
  /** Every input row with its prediction, in input order. */
  readonly predictions: RowSink;
  /**
   * The human-verified rows as `product_description,HUMAN_VERIFIED_Category`: feedback to train on. With
   * it, every verified label must be one the model knows (a row that is not fails the run UNKNOWN_LABEL).
   */
  readonly feedback?: RowSink | undefined;
  /** The unlabelled rows shown below `reviewConfidence`, in the layout's review columns. */
  readonly review?: RowSink | undefined;
  /** The verified rows of each batch with their predictions (to score the model on). */
  scored?(rows: readonly VerifiedRow[]): Promise<void>;
}

export interface PredictPipelineOptions {
  readonly batchSize: number;
  /** Unlabelled rows shown with a confidence below this go to `review` (0: none do). */
  readonly reviewConfidence?: number;
  /** Run over a slice of a file (its rows from `firstRow` on, no header row) instead of a whole file. */
  readonly slice?: CsvReadOptions['slice'];
  /** Called with the layout once the header is known, before any row: the sinks rows are written to. */
  open(layout: PredictionLayout): PredictSinks;
  /** Called after each batch read (progress, cancellation); its error stops the run. */
  afterBatch?(): Promise<void>;
}

/** What one run wrote. Runs over slices of a file add up (`addCounts`) to one run over the whole file. */
export interface PredictCounts {
  rows: number;
  /** Rows with HUMAN_VERIFIED_Category filled in (those written to `feedback`). */
  labelledRows: number;
  reviewRows: number;
  /** Time spent in the model. */
  predictMs: number;
}

export interface PredictRun {
  /** Undefined when the input had no header at all (an empty file): nothing was opened. */
  layout: PredictionLayout | undefined;
  counts: PredictCounts;
}

export function addCounts(a: PredictCounts, b: PredictCounts): PredictCounts {
  return {
    rows: a.rows + b.rows,
    labelledRows: a.labelledRows + b.labelledRows,
    reviewRows: a.reviewRows + b.reviewRows,
    predictMs: a.predictMs + b.predictMs,
  };
}

/**
 * The predict pipeline: CSV rows from `input` → validated batches → predictions, feedback and review rows
 * → the sinks `open` returns, with bounded memory. A predictions file sent back gets its prediction
 * columns replaced. Every invalid row is named: after the first there is nothing more to predict, but the
 * rest is read and the run fails with an InvalidRowsError naming them all, so a caller that commits its
 * outputs only on success never writes a partial file. Confidences are written with six decimals and the
 * review threshold is applied to that figure, so the review file holds exactly the rows the file shows
 * below it.
 */
export async function predictRows(
  input: Readable,
  predictor: Predictor,
  options: PredictPipelineOptions,
): Promise<PredictRun> {
  const counts: PredictCounts = { rows: 0, labelledRows: 0, reviewRows: 0, predictMs: 0 };
  const reviewConfidence = options.reviewConfidence ?? 0;
  const knownLabels = new Set(predictor.labels);
  const firstRow = options.slice?.firstRow ?? 1;
  const problems = new RowProblems();
  let layout: PredictionLayout | undefined;
  let sinks: PredictSinks | undefined;

  const predictBatch = async (batch: string[][], at: PredictionLayout, to: PredictSinks) => {
    const started = performance.now();
    const predictions = await predictor.predict(batch.map((fields) => fields[at.textAt] as string));
    counts.predictMs += performance.now() - started;
    const feedback: string[][] = [];
    const review: string[][] = [];
    const scored: VerifiedRow[] = [];
    for (let i = 0; i < batch.length; i++) {
      const fields = batch[i] as string[];
      const prediction = predictions[i];
      if (!prediction) throw new Error('the model returned fewer predictions than texts');
      const text = fields[at.textAt] as string;
      const label = at.verifiedAt >= 0 ? (fields[at.verifiedAt] as string).trim() : '';
      const confidence = prediction.confidence.toFixed(6);
      if (label) {
        feedback.push([text, label]);
        scored.push({ text, label, predicted: prediction.label });
      } else if (Number(confidence) < reviewConfidence) {
        review.push(at.reviewFrom.map((from) => (from < 0 ? '' : (fields[from] as string))));
      }
      fields[at.predictedAt] = prediction.label;
      fields[at.confidenceAt] = confidence;
    }
    counts.labelledRows += scored.length;
    counts.reviewRows += review.length;
    await Promise.all([
      to.predictions.write(batch),
      to.feedback?.write(feedback),
      review.length > 0 ? to.review?.write(review) : undefined,
      to.scored?.(scored),
    ]);
  };

  const batches = readCsvBatches(input, { slice: options.slice }, ({ columns }) => {
    layout = predictionLayout(columns);
    sinks = options.open(layout);
  });
  let pending: string[][] = [];
  for await (const batch of batches) {
    const at = layout as PredictionLayout;
    for (const fields of batch) {
      const row = firstRow + counts.rows++;
      if (!(fields[at.textAt] as string).trim()) problems.add({ row, column: TEXT_COLUMN, kind: 'empty' });
      const label = at.verifiedAt >= 0 ? (fields[at.verifiedAt] as string).trim() : '';
      if (label && sinks?.feedback && !knownLabels.has(label))
        problems.add({ row, column: HUMAN_LABEL_COLUMN, kind: 'unknown-label', value: label });
      // After the first invalid row there is no point predicting; keep reading to name every bad row.
      if (problems.count === 0) pending.push(fields);
    }
    if (problems.count === 0) {
      while (pending.length >= options.batchSize) {
        await predictBatch(pending.slice(0, options.batchSize), at, sinks as PredictSinks);
        pending = pending.slice(options.batchSize);
      }
    }
    await options.afterBatch?.();
  }
  if (problems.count > 0) throw new InvalidRowsError(problems);
  if (layout && pending.length > 0) await predictBatch(pending, layout, sinks as PredictSinks);
  return { layout, counts };
}
