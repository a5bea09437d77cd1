import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CsvFormatError } from '@shelfwise/csv';
import { columnIndex, csvBatches, HUMAN_LABEL_COLUMN, LABEL_COLUMN, TEXT_COLUMN } from './csv-records';
import type { LabelledText } from './train-options';

export interface ReadLabelledCsvOptions {
  /**
   * Take labels from HUMAN_VERIFIED_Category when the file has it, skipping rows where it is empty (an
   * inference file with feedback); otherwise every row needs a Category.
   */
  readonly acceptHumanVerified?: boolean;
}

/** Reads `product_description` and a label column from a CSV file path or stream, all in memory. */
export async function readLabelledCsv(
  source: string | Readable,
  options: ReadLabelledCsvOptions = {},
): Promise<LabelledText[]> {
  const input = typeof source === 'string' ? createReadStream(source) : source;
  const examples: LabelledText[] = [];
  let textAt = -1;
  let labelAt = -1;
  let labelColumn = LABEL_COLUMN;
  let skipUnlabelled = false;
  let row = 0;
  const onHeader = (columns: string[]): void => {
    textAt = columnIndex(columns, TEXT_COLUMN);
    if (options.acceptHumanVerified && columns.includes(HUMAN_LABEL_COLUMN)) {
      labelColumn = HUMAN_LABEL_COLUMN;
      skipUnlabelled = true;
    }
    labelAt = columnIndex(columns, labelColumn);
  };
  for await (const batch of csvBatches(input, onHeader)) {
    for (const values of batch) {
      row++;
      const text = values[textAt] ?? '';
      const label = (values[labelAt] ?? '').trim();
      if (label === '') {
        if (skipUnlabelled) continue;
        throw new CsvFormatError(`data row ${row}: column ${labelColumn} is empty`, row, labelColumn);
      }
      if (text.trim() === '')
        throw new CsvFormatError(`data row ${row}: column ${TEXT_COLUMN} is empty`, row, TEXT_COLUMN);
      examples.push({ text, label });
    }
  }
  return examples;
}
