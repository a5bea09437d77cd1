import { createHash } from 'node:crypto';
import type { LabelledText } from '@shelfwise/classifier';
import { readCsv } from '@shelfwise/csv';
import type { InputVersion } from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';
import { JobInputError } from '../errors/job-input-error';
import { counted } from '../inference/counting-stream';

const TEXT = 'product_description';
const LABEL_COLUMNS = ['Category', 'HUMAN_VERIFIED_Category'] as const;

export interface TrainingData {
  examples: LabelledText[];
  /** sha256 over every file's bytes, in the order read: the same files give the same hash. */
  datasetHash: string;
  files: string[];
  /** Files under a prefix that carry no label column (e.g. inference inputs): not training data. */
  skipped: string[];
  rowsRead: number;
}

export interface ReadTrainingOptions {
  /** The single file's ETag at submission: it is read at that version or the job fails INPUT_CHANGED. */
  etag?: string | undefined;
  /**
   * Pins a prefix's listing on the first attempt and returns the pinned one: every attempt reads the same
   * objects at the same versions (a file added later is not read; one changed or removed fails the job).
   */
  pin(listing: InputVersion[]): Promise<InputVersion[]>;
  /** Stops every download. */
  signal?: AbortSignal | undefined;
  /** Bytes read over bytes to read (0..1), every few thousand rows. */
  progress?(fraction: number): Promise<void>;
}

interface SourceFile {
  uri: string;
  key: string;
  size: number;
  etag: string | undefined;
}

/**
 * Reads one CSV, or every CSV under a prefix: training files label with `Category`, feedback files with
 * `HUMAN_VERIFIED_Category` (rows left empty by humans are skipped). Files are read oldest first, so when
 * the same text appears twice the newest human label wins. Each file is read at its pinned version.
 */
export async function readTrainingData(
  store: ObjectStore,
  sourceUri: string,
  options: ReadTrainingOptions,
): Promise<TrainingData> {
  const { files, isPrefix } = await sourceFiles(store, sourceUri, options);
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  const datasetHash = createHash('sha256');
  const byText = new Map<string, LabelledText>();
  const used: string[] = [];
  const skipped: string[] = [];
  let rowsRead = 0;
  for (const file of files) {
    const fileHash = createHash('sha256');
    const input = counted(
      await store.download(file.uri, { etag: file.etag, signal: options.signal }),
      (chunk) => {
        fileHash.update(chunk);
        done += chunk.length;
      },
    );
    let labelColumn: string | undefined;
    let row = 0;
    for await (const record of readCsv(input, { required: [TEXT] }, (h) => {
      labelColumn = LABEL_COLUMNS.find((column) => h.columns.includes(column));
      if (!labelColumn && !isPrefix) {
        throw new JobInputError(
          'INVALID_CSV',
          `${file.uri} has no label column (${LABEL_COLUMNS.join(' or ')})`,
        );
      }
    })) {
      if (!labelColumn) break;
      row++;
      const text = record[TEXT]?.trim();
      const label = record[labelColumn ?? '']?.trim();
      if (!text) throw new JobInputError('INVALID_CSV', `${file.uri} row ${row}: empty ${TEXT}`);
      if (!label) {
        if (labelColumn === 'Category')
          throw new JobInputError('INVALID_CSV', `${file.uri} row ${row}: empty Category`);
        continue;
      }
      rowsRead++;
      if ((rowsRead & 4095) === 0) await options.progress?.(total > 0 ? done / total : 0);
      // Re-inserting moves the text to the end of the map's order: the last label read wins.
      byText.delete(text);
      byText.set(text, { text, label });
    }
    if (!isPrefix && row === 0) {
      // The one file the request named: say what is wrong with it, not "0 labels".
      const problem = labelColumn ? 'has a header but no rows' : 'is empty (no header)';
      throw new JobInputError('INVALID_CSV', `${file.uri} ${problem}`);
    }
    if (!labelColumn) {
      skipped.push(file.uri);
      continue;
    }
    used.push(file.uri);
    datasetHash.update(`${file.key}\0${fileHash.digest('hex')}\n`);
  }
  const examples = [...byText.values()];
  if (examples.length === 0) {
    const names =
      skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? ` and ${skipped.length - 5} more` : '');
    const unlabelled =
      skipped.length > 0 ? `; no label column (${LABEL_COLUMNS.join(' or ')}) in ${names}` : '';
    throw new JobInputError('INVALID_CSV', `no labelled rows in ${sourceUri}${unlabelled}`);
  }
  const labels = new Set(examples.map((e) => e.label));
  if (labels.size < 2) {
    throw new JobInputError(
      'INVALID_CSV',
      `training needs at least two labels; ${sourceUri} has ${labels.size}`,
    );
  }
  return { examples, datasetHash: datasetHash.digest('hex'), files: used, skipped, rowsRead };
}

async function sourceFiles(
  store: ObjectStore,
  sourceUri: string,
  options: ReadTrainingOptions,
): Promise<{ files: SourceFile[]; isPrefix: boolean }> {
  const single = sourceUri.endsWith('/') ? undefined : await store.size(sourceUri);
  if (single !== undefined) {
    const file = { uri: sourceUri, key: store.locate(sourceUri).key, size: single, etag: options.etag };
    return { files: [file], isPrefix: false };
  }
  const prefix = sourceUri.endsWith('/') ? sourceUri : `${sourceUri}/`;
  const listing = (await store.list(prefix)).filter((file) => file.key.toLowerCase().endsWith('.csv'));
  listing.sort((a, b) => a.lastModified.getTime() - b.lastModified.getTime() || a.key.localeCompare(b.key));
  // A retry gets the first attempt's listing back: files removed since then fail it as changed input.
  const pinned = await options.pin(listing.map(({ uri, etag }) => ({ uri, etag })));
  if (pinned.length === 0) throw new JobInputError('NOT_FOUND', `no CSV files under ${prefix}`);
  const sizes = new Map(listing.map((file) => [file.uri, file.size]));
  const files = pinned.map(({ uri, etag }) => ({
    uri,
    key: store.locate(uri).key,
    size: sizes.get(uri) ?? 0,
    etag,
  }));
  return { files, isPrefix: true };
}
