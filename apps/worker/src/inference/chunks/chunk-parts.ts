import { partsPrefix } from '@shelfwise/contracts';
import type { PredictChunkRepository } from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';

/**
 * The parts chunked predict jobs leave in S3 until their job assembles them. Removed by the job once its
 * outputs are written, and by the reconciler for any job that ended otherwise (failed, cancelled, or a run
 * that died between writing the outputs and removing the parts). Objects, then the chunk rows, then objects
 * again: a sweep cut short is finished by the next one (the rows still name the job), and a chunk that
 * wrote its parts as the job ended either recorded itself before the rows went (its parts are in the second
 * listing) or finds its row gone and deletes its parts itself.
 */
export class ChunkParts {
  constructor(
    private readonly store: ObjectStore,
    private readonly chunks: PredictChunkRepository,
    private readonly inferenceBucket: string,
  ) {}

  async remove(jobId: string): Promise<void> {
    await this.deleteParts(jobId);
    await this.chunks.remove(jobId);
    await this.deleteParts(jobId);
  }

  private async deleteParts(jobId: string): Promise<void> {
    for (const part of await this.store.list(partsPrefix(this.inferenceBucket, jobId))) {
      await this.store.delete(part.uri);
    }
  }

  /** Removes the parts and chunks of every job that has ended; answers how many jobs had some. */
  async sweepEnded(): Promise<number> {
    const ended = await this.chunks.listEndedJobs();
    for (const jobId of ended) await this.remove(jobId);
    return ended.length;
  }
}
