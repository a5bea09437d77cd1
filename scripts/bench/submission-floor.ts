import { randomUUID } from 'node:crypto';
import type { JobRepository } from '@shelfwise/db';
import { type JobProducer, RecordedJobQueue } from '@shelfwise/queue';
import type { ObjectStore } from '@shelfwise/storage';

/**
 * The real floor under POST /v1/predict/csv: what a submission must do, without HTTP, from one process,
 * `concurrency` in flight like the load's clients: S3 HEAD of the input (its ETag), the MySQL insert, the
 * owner's backlog count (its fair-share priority) and the BullMQ add. Submissions per second.
 */
export async function submissionFloor(
  deps: { store: ObjectStore; jobs: JobRepository; producer: JobProducer },
  inputUri: string,
  submissions: number,
  concurrency: number,
): Promise<number> {
  const queue = new RecordedJobQueue(deps.jobs, deps.producer);
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < submissions) {
      next++;
      const etag = (await deps.store.head(inputUri))?.etag;
      await queue.submit({
        id: randomUUID(),
        type: 'PREDICT_CSV',
        input: { input_file_s3: inputUri },
        inputVersions: etag === undefined ? undefined : [{ uri: inputUri, etag }],
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return submissions / ((performance.now() - started) / 1_000);
}
