import { RecordBoundaries, type RecordPlan } from '@shelfwise/csv';
import type { ObjectStore } from '@shelfwise/storage';

/**
 * Splits a predict input into chunks of about `rowsPerChunk` data rows at record boundaries (one
 * quote-aware pass over its bytes, at the pinned version). Null when it stays one job: it has at most
 * `rowsPerChunk` rows, or cannot be split at a newline. A file of at most 2 × `rowsPerChunk` bytes is not
 * even read: every row takes two bytes at least, so it cannot hold more rows than that.
 */
export async function planChunks(
  store: ObjectStore,
  input: { uri: string; etag?: string | undefined },
  rowsPerChunk: number,
  signal?: AbortSignal,
): Promise<RecordPlan | null> {
  const size = await store.size(input.uri);
  if (size === undefined || size <= 2 * rowsPerChunk) return null;
  const scanner = new RecordBoundaries(rowsPerChunk);
  for await (const bytes of await store.download(input.uri, { etag: input.etag, signal })) {
    scanner.push(bytes as Buffer);
  }
  const plan = scanner.end();
  return plan.slices.length > 1 ? plan : null;
}
