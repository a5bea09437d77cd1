import { readCsvBatches } from '@shelfwise/csv';
import type { ObjectStore } from '@shelfwise/storage';

/** The header of a chunked input: the columns of the bytes before its first chunk, at the pinned version. */
export async function readHeader(
  store: ObjectStore,
  input: { uri: string; etag?: string | undefined },
  headerEnd: number,
  signal?: AbortSignal,
): Promise<string[]> {
  let header: string[] = [];
  const bytes = await store.download(input.uri, {
    etag: input.etag,
    signal,
    range: { start: 0, end: headerEnd },
  });
  for await (const _ of readCsvBatches(bytes, {}, ({ columns }) => {
    header = columns;
  })) {
    // The range ends with the header's own newline: there is no data row in it.
  }
  return header;
}
