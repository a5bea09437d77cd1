import type { Readable } from 'node:stream';
import { readCsvBatches } from '@shelfwise/csv';
import { LABEL_COLUMN, type LabelledLayout, labelledLayout, TEXT_COLUMN } from './csv-schema';
import { InvalidRowsError } from './invalid-rows-error';
import { RowProblems } from './row-problems';
import type { LabelledText } from './train-options';

export interface LabelledBatch {
  /** The labelled rows, text and label trimmed. */
  examples: LabelledText[];
  /** Data rows read, with those skipped for an empty HUMAN_VERIFIED_Category. */
  rows: number;
}

export interface LabelledBatchesOptions {
  /** The label columns accepted, in order of preference: the first the header has is read. */
  readonly labelColumns: readonly string[];
  /** Sees the header and the label column it has (none: no row is read); throwing stops the read. */
  onHeader?(layout: LabelledLayout, columns: readonly string[]): void;
}

/**
 * Streams the labelled rows of a CSV in batches: `product_description` and a label column. Every row needs
 * a text, and a `Category` row a label; a row a person left without HUMAN_VERIFIED_Category is skipped (an
 * inference file with feedback). The first invalid row fails the read with an InvalidRowsError.
 */
export async function* readLabelledBatches(
  input: Readable,
  options: LabelledBatchesOptions,
): AsyncGenerator<LabelledBatch> {
  let layout: LabelledLayout | undefined;
  let row = 0;
  const batches = readCsvBatches(input, {}, ({ columns }) => {
    layout = labelledLayout(columns, options.labelColumns);
    options.onHeader?.(layout, columns);
  });
  for await (const batch of batches) {
    const { textAt, labelAt, labelColumn } = layout as LabelledLayout;
    if (!labelColumn) return;
    const examples: LabelledText[] = [];
    for (const fields of batch) {
      row++;
      const text = (fields[textAt] as string).trim();
      const label = (fields[labelAt] as string).trim();
      if (!text) throw invalid({ row, column: TEXT_COLUMN });
      if (!label) {
        if (labelColumn === LABEL_COLUMN) throw invalid({ row, column: LABEL_COLUMN });
        continue;
      }
      examples.push({ text, label });
    }
    yield { examples, rows: batch.length };
  }
}

function invalid(at: { row: number; column: string }): InvalidRowsError {
  const problems = new RowProblems();
  problems.add({ ...at, kind: 'empty' });
  return new InvalidRowsError(problems);
}
