import { createHash } from 'node:crypto';
import {
  describeRowProblem,
  HUMAN_LABEL_COLUMN,
  InvalidRowsError,
  LABEL_COLUMN,
  LABEL_COLUMNS,
  type LabelledText,
  readLabelledBatches,
} from '@shelfwise/classifier';
import type { InputVersion } from '@shelfwise/db';
import type { ObjectStore, StoredObject } from '@shelfwise/storage';
import { JobInputError } from '../errors/job-input-error';
import { counted } from '../inference/counting-stream';

/** Labelled rows read, per source, before duplicates are dropped (the job result's `rows_by_source`). */
export interface RowsBySource {
  /** Rows labelled by `Category`. */
  training: number;
  /** Rows labelled by `HUMAN_VERIFIED_Category` in files under the source prefix. */
  verified: number;
  /** Rows of the feedback objects predict jobs captured. */
  feedback: number;
}

export interface TrainingData {
  examples: LabelledText[];
  /** sha256 over every file's bytes, in the order read: the same files give the same hash. */
  datasetHash: string;
  files: string[];
  /** Files under a prefix that carry no label column (e.g. inference inputs): not training data. */
  skipped: string[];
  rowsRead: number;
  rowsBySource: RowsBySource;
}

/** The feedback predict jobs captured, read besides the source (human_feedback, scheduled retraining). */
export interface CapturedFeedback {
  /** Where predict jobs write it: s3://<dataset>/feedback/. */
  prefix: string;
  /** Each captured object with the time it was given to the system, oldest first. */
  inOrder(): Promise<{ s3Uri: string; submittedAt: Date }[]>;
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
  /** Also read every captured feedback object; no human-verified row at all then fails NO_FEEDBACK. */
  feedback?: CapturedFeedback | undefined;
  /**
   * Prefixes never read as training data, even under the source prefix: the review files hold rows no
   * person has checked yet, and one filled in place would skip predict's label check.
   */
  skip?: readonly string[];
}

interface SourceFile {
  uri: string;
  key: string;
  size: number;
  etag: string | undefined;
  /** A captured feedback object (rows counted as `feedback`), not a file of the source. */
  captured: boolean;
}

/**
 * Reads one CSV, or every CSV under a prefix: training files label with `Category`, feedback files with
 * `HUMAN_VERIFIED_Category` (rows left empty by humans are skipped). With `feedback`, every captured
 * feedback object is read too. A text labelled more than once keeps its newest label: files are read
 * oldest first (see `byAge`), rows in file order. Each file is read at its pinned version.
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
  const rowsBySource: RowsBySource = { training: 0, verified: 0, feedback: 0 };
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
    const batches = readLabelledBatches(input, {
      labelColumns: LABEL_COLUMNS,
      onHeader: (layout) => {
        labelColumn = layout.labelColumn;
        if (!labelColumn && !isPrefix) {
          throw new JobInputError(
            'INVALID_CSV',
            `${file.uri} has no label column (${LABEL_COLUMNS.join(' or ')})`,
          );
        }
      },
    });
    try {
      for await (const batch of batches) {
        row += batch.rows;
        for (const example of batch.examples) {
          rowsRead++;
          rowsBySource[file.captured ? 'feedback' : labelColumn === LABEL_COLUMN ? 'training' : 'verified']++;
          if ((rowsRead & 4095) === 0) await options.progress?.(total > 0 ? done / total : 0);
          // Re-inserting moves the text to the end of the map's order: the last label read wins.
          byText.delete(example.text);
          byText.set(example.text, example);
        }
      }
    } catch (error) {
      // The first invalid row, named with its file.
      if (!(error instanceof InvalidRowsError)) throw error;
      const problems = error.problems.shown.map(describeRowProblem).join('; ');
      throw new JobInputError('INVALID_CSV', `${file.uri} ${problems}`);
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
  const nothingCaptured = options.feedback && `no feedback captured under ${options.feedback.prefix}`;
  if (examples.length === 0) {
    const names =
      skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? ` and ${skipped.length - 5} more` : '');
    const unlabelled =
      skipped.length > 0 ? `; no label column (${LABEL_COLUMNS.join(' or ')}) in ${names}` : '';
    const captured = nothingCaptured ? `; ${nothingCaptured}` : '';
    throw new JobInputError('INVALID_CSV', `no labelled rows in ${sourceUri}${unlabelled}${captured}`);
  }
  if (nothingCaptured && rowsBySource.verified + rowsBySource.feedback === 0) {
    throw new JobInputError(
      'NO_FEEDBACK',
      `no human-verified rows: ${nothingCaptured} and no ${HUMAN_LABEL_COLUMN} labels in the CSVs under ${sourceUri}`,
    );
  }
  const labels = new Set(examples.map((e) => e.label));
  if (labels.size < 2) {
    throw new JobInputError(
      'INVALID_CSV',
      `training needs at least two labels; ${sourceUri} has ${labels.size}`,
    );
  }
  return {
    examples,
    datasetHash: datasetHash.digest('hex'),
    files: used,
    skipped,
    rowsRead,
    rowsBySource,
  };
}

async function sourceFiles(
  store: ObjectStore,
  sourceUri: string,
  options: ReadTrainingOptions,
): Promise<{ files: SourceFile[]; isPrefix: boolean }> {
  const single = sourceUri.endsWith('/') ? undefined : await store.size(sourceUri);
  if (single !== undefined) {
    const key = store.locate(sourceUri).key;
    return {
      files: [{ uri: sourceUri, key, size: single, etag: options.etag, captured: false }],
      isPrefix: false,
    };
  }
  const prefix = sourceUri.endsWith('/') ? sourceUri : `${sourceUri}/`;
  const skipped = options.skip ?? [];
  const listed = (await csvFiles(store, prefix)).filter(
    (object) => !skipped.some((skip) => object.uri.startsWith(skip)),
  );
  const captured = options.feedback ? await capturedFiles(store, options.feedback) : [];
  const capturedUris = new Set(captured.map((file) => file.object.uri));
  // A captured object also under the source prefix (a retrain over the whole bucket) is read once, as feedback.
  const own = listed
    .filter((object) => !capturedUris.has(object.uri))
    .map((object) => ({ object, time: object.lastModified.getTime(), captured: false, rank: 0 }));
  const listing = [...own, ...captured].sort(byAge).map((file) => file.object);
  // A retry gets the first attempt's listing back: files removed since then fail it as changed input.
  const pinned = await options.pin(listing.map(({ uri, etag }) => ({ uri, etag })));
  if (!pinned.some(({ uri }) => uri.startsWith(prefix))) {
    throw new JobInputError('NOT_FOUND', `no CSV files under ${prefix}`);
  }
  const sizes = new Map(listing.map((file) => [file.uri, file.size]));
  const feedbackPrefix = options.feedback?.prefix;
  const files = pinned.map(({ uri, etag }) => ({
    uri,
    key: store.locate(uri).key,
    size: sizes.get(uri) ?? 0,
    etag,
    captured: feedbackPrefix !== undefined && uri.startsWith(feedbackPrefix),
  }));
  return { files, isPrefix: true };
}

interface DatedFile {
  object: StoredObject;
  /** When its labels were given to the system (ms since the epoch). */
  time: number;
  captured: boolean;
  /** Capture order among captured objects. */
  rank: number;
}

/**
 * Oldest first, so the newest label of a text is read last and wins. A file's time is its upload
 * (LastModified); a captured feedback object's is the submission of the predict job that captured it,
 * recorded in MySQL to the millisecond, then the order in which jobs captured them. At the same time a
 * captured label comes after a file's (it is the later human look at a prediction); files by key.
 */
function byAge(a: DatedFile, b: DatedFile): number {
  return (
    a.time - b.time ||
    Number(a.captured) - Number(b.captured) ||
    a.rank - b.rank ||
    a.object.key.localeCompare(b.object.key)
  );
}

async function csvFiles(store: ObjectStore, prefix: string): Promise<StoredObject[]> {
  return (await store.list(prefix)).filter((file) => file.key.toLowerCase().endsWith('.csv'));
}

/** The captured feedback objects that exist, dated by capture; one copied in by hand by its upload. */
async function capturedFiles(store: ObjectStore, feedback: CapturedFeedback): Promise<DatedFile[]> {
  const order = await feedback.inOrder();
  const rank = new Map(
    order.map((entry, index) => [entry.s3Uri, { index, time: entry.submittedAt.getTime() }]),
  );
  return (await csvFiles(store, feedback.prefix)).map((object) => ({
    object,
    time: rank.get(object.uri)?.time ?? object.lastModified.getTime(),
    captured: true,
    rank: rank.get(object.uri)?.index ?? order.length,
  }));
}
