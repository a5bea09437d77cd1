import { clipText, MissingColumnError } from '@shelfwise/csv';

// The one place the columns of the files this system reads and writes are named.
export const TEXT_COLUMN = 'product_description';
export const LABEL_COLUMN = 'Category';
export const HUMAN_LABEL_COLUMN = 'HUMAN_VERIFIED_Category';
export const PREDICTED_COLUMN = 'predicted_category';
export const CONFIDENCE_COLUMN = 'confidence';
/** The label columns of a training file, in the order they are looked for. */
export const LABEL_COLUMNS: readonly string[] = [LABEL_COLUMN, HUMAN_LABEL_COLUMN];
/** A captured feedback file: the text and the label a person gave it. */
export const FEEDBACK_HEADER: readonly string[] = [TEXT_COLUMN, HUMAN_LABEL_COLUMN];

/** Where a predict input's columns are, and the headers of the files predicting it writes. */
export interface PredictionLayout {
  readonly textAt: number;
  /** -1: the input has no HUMAN_VERIFIED_Category. */
  readonly verifiedAt: number;
  /**
   * The predictions file: every input column, with predicted_category and confidence in their place when
   * the input has them (a predictions file sent back) and appended otherwise, never twice.
   */
  readonly output: readonly string[];
  readonly predictedAt: number;
  readonly confidenceAt: number;
  /** The review file: the input columns but the prediction ones, and HUMAN_VERIFIED_Category to fill in. */
  readonly review: readonly string[];
  /** The input column each review column is copied from; -1 for the appended, empty label. */
  readonly reviewFrom: readonly number[];
}

/** The layout of a predict input with this header; a MissingColumnError without product_description. */
export function predictionLayout(columns: readonly string[]): PredictionLayout {
  const textAt = requireColumn(columns, TEXT_COLUMN);
  const verifiedAt = columns.indexOf(HUMAN_LABEL_COLUMN);
  const output = [...columns];
  const predictedAt = placeOf(output, PREDICTED_COLUMN);
  const confidenceAt = placeOf(output, CONFIDENCE_COLUMN);
  const reviewFrom = columns.flatMap((_, at) => (at === predictedAt || at === confidenceAt ? [] : [at]));
  if (verifiedAt < 0) reviewFrom.push(-1);
  const review = reviewFrom.map((at) => (at < 0 ? HUMAN_LABEL_COLUMN : (columns[at] as string)));
  return { textAt, verifiedAt, output, predictedAt, confidenceAt, review, reviewFrom };
}

/** Where a labelled file's text and label are: the first of `labelColumns` the header has (-1: none). */
export interface LabelledLayout {
  readonly textAt: number;
  readonly labelAt: number;
  readonly labelColumn: string | undefined;
}

export function labelledLayout(columns: readonly string[], labelColumns: readonly string[]): LabelledLayout {
  const textAt = requireColumn(columns, TEXT_COLUMN);
  const labelColumn = labelColumns.find((column) => columns.includes(column));
  return { textAt, labelAt: labelColumn ? columns.indexOf(labelColumn) : -1, labelColumn };
}

/** One invalid data row (numbered from 1, in the whole file) and the column that makes it so. */
export type RowProblem = { readonly row: number; readonly column: string } & (
  | { readonly kind: 'empty' }
  | { readonly kind: 'unknown-label'; readonly value: string }
);

/** A row problem in the words job failures use: `row 3: empty product_description`. */
export function describeRowProblem(problem: RowProblem): string {
  return problem.kind === 'empty'
    ? `row ${problem.row}: empty ${problem.column}`
    : `row ${problem.row}: unknown ${problem.column} "${clipText(problem.value)}"`;
}

function requireColumn(columns: readonly string[], column: string): number {
  const at = columns.indexOf(column);
  if (at < 0) throw new MissingColumnError([column], columns);
  return at;
}

/** Where `column` goes in an output header: its place when the input has it already, else a new last one. */
function placeOf(header: string[], column: string): number {
  const at = header.indexOf(column);
  if (at >= 0) return at;
  header.push(column);
  return header.length - 1;
}
