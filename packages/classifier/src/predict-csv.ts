import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { CsvFormatError } from './csv-format-error';
import { columnIndex, csvRecords, TEXT_COLUMN } from './csv-records';
import type { Predictor } from './load-model';

export const PREDICTED_COLUMN = 'predicted_category';
export const CONFIDENCE_COLUMN = 'confidence';

export interface PredictCsvResult {
  readonly rows: number;
}

/**
 * Streams a CSV through the predictor in batches: every input column, plus `predicted_category` and
 * `confidence` (overwritten where the input already has them). Memory stays bounded by one batch.
 */
export async function predictCsv(
  input: Readable,
  output: Writable,
  predictor: Predictor,
  batchSize = 1024,
): Promise<PredictCsvResult> {
  let header: string[] = [];
  let textAt = -1;
  let predictedAt = -1;
  let confidenceAt = -1;
  let batch: string[][] = [];
  let rows = 0;
  const flush = async (): Promise<void> => {
    const predictions = await predictor.predict(batch.map((values) => values[textAt] ?? ''));
    predictions.forEach((p, i) => {
      const values = batch[i] as string[];
      values[predictedAt] = p.label;
      values[confidenceAt] = p.confidence.toFixed(6);
    });
    if (!output.write(stringify(batch))) await once(output, 'drain');
    rows += batch.length;
    batch = [];
  };
  for await (const { values, row } of csvRecords(input)) {
    if (row === 0) {
      textAt = columnIndex(values, TEXT_COLUMN);
      header = [...values];
      predictedAt = appendColumn(header, PREDICTED_COLUMN);
      confidenceAt = appendColumn(header, CONFIDENCE_COLUMN);
      if (!output.write(stringify([header]))) await once(output, 'drain');
      continue;
    }
    if ((values[textAt] ?? '').trim() === '') {
      throw new CsvFormatError(`data row ${row}: column ${TEXT_COLUMN} is empty`, row, TEXT_COLUMN);
    }
    batch.push(values);
    if (batch.length >= batchSize) await flush();
  }
  if (batch.length > 0) await flush();
  return { rows };
}

function appendColumn(header: string[], column: string): number {
  const existing = header.indexOf(column);
  if (existing >= 0) return existing;
  header.push(column);
  return header.length - 1;
}
