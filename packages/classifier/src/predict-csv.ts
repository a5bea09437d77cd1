import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { CsvFormatError, formatCsv } from '@shelfwise/csv';
import { columnIndex, csvBatches, TEXT_COLUMN } from './csv-records';
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
  let header: string[] | undefined;
  let textAt = -1;
  let predictedAt = -1;
  let confidenceAt = -1;
  let batch: string[][] = [];
  let row = 0;
  let rows = 0;
  const write = async (text: string): Promise<void> => {
    if (!output.write(text)) await once(output, 'drain');
  };
  const flush = async (): Promise<void> => {
    const predictions = await predictor.predict(batch.map((values) => values[textAt] ?? ''));
    predictions.forEach((p, i) => {
      const values = batch[i] as string[];
      values[predictedAt] = p.label;
      values[confidenceAt] = p.confidence.toFixed(6);
    });
    await write(formatCsv(batch));
    rows += batch.length;
    batch = [];
  };
  const onHeader = (columns: string[]): void => {
    textAt = columnIndex(columns, TEXT_COLUMN);
    header = [...columns];
    predictedAt = appendColumn(header, PREDICTED_COLUMN);
    confidenceAt = appendColumn(header, CONFIDENCE_COLUMN);
  };
  for await (const rowsRead of csvBatches(input, onHeader)) {
    if (header) {
      await write(formatCsv([header]));
      header = undefined;
    }
    for (const values of rowsRead) {
      row++;
      if ((values[textAt] ?? '').trim() === '') {
        throw new CsvFormatError(`data row ${row}: column ${TEXT_COLUMN} is empty`, row, TEXT_COLUMN);
      }
      batch.push(values);
      if (batch.length >= batchSize) await flush();
    }
  }
  if (header) await write(formatCsv([header]));
  if (batch.length > 0) await flush();
  return { rows };
}

function appendColumn(header: string[], column: string): number {
  const existing = header.indexOf(column);
  if (existing >= 0) return existing;
  header.push(column);
  return header.length - 1;
}
