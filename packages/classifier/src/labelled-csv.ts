import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CsvFormatError, MissingColumnError } from '@shelfwise/csv';
import { HUMAN_LABEL_COLUMN, LABEL_COLUMN } from './csv-schema';
import { readLabelledBatches } from './labelled-batches';
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
  const labelColumns = options.acceptHumanVerified ? [HUMAN_LABEL_COLUMN, LABEL_COLUMN] : [LABEL_COLUMN];
  const examples: LabelledText[] = [];
  let headerSeen = false;
  const batches = readLabelledBatches(input, {
    labelColumns,
    onHeader: ({ labelColumn }, columns) => {
      headerSeen = true;
      if (!labelColumn) throw new MissingColumnError([LABEL_COLUMN], columns);
    },
  });
  for await (const batch of batches) examples.push(...batch.examples);
  if (!headerSeen) throw new CsvFormatError('the CSV is empty: it has no header row');
  return examples;
}
