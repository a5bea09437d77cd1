/** A predict job's files in the inference bucket: its predictions, and a chunked job's parts until assembled. */

/** The three outputs of a predict job, each written by every chunk of a chunked job as a part of its own. */
export type PartKind = 'predictions' | 'feedback' | 'review';

/** The one predictions object of a predict job, whether one worker or many chunks wrote it. */
export const predictionsUri = (inferenceBucket: string, jobId: string): string =>
  `s3://${inferenceBucket}/${jobId}/predictions.csv`;

/** Where a chunked predict job's parts live until they are assembled: beside its predictions. */
export const partsPrefix = (inferenceBucket: string, jobId: string): string =>
  `s3://${inferenceBucket}/${jobId}/parts/`;

/** One part's key is fixed by job, kind and chunk: a chunk run twice writes the same object again. */
export const partUri = (inferenceBucket: string, jobId: string, kind: PartKind, chunk: number): string =>
  `${partsPrefix(inferenceBucket, jobId)}${kind}-${String(chunk).padStart(5, '0')}.csv`;
