import type { Db } from '../create-prisma-client';
import { type PredictChunk as PredictChunkRow, Prisma } from '../generated/prisma/client';
import type { Tx } from '../transaction';

/** One slice of a chunked predict job, byte offsets as numbers (files stay far below 2^53 bytes). */
export interface PlannedChunk {
  jobId: string;
  index: number;
  startByte: number;
  endByte: number;
  firstRow: number;
  rows: number;
  doneRows: number;
  /** What the chunk found once done (shape owned by the worker); null while it is to do. */
  result: Prisma.JsonValue | null;
}

export type NewPredictChunk = Pick<PlannedChunk, 'index' | 'startByte' | 'endByte' | 'firstRow' | 'rows'>;

const toChunk = (row: PredictChunkRow): PlannedChunk => ({
  jobId: row.jobId,
  index: row.index,
  startByte: Number(row.startByte),
  endByte: Number(row.endByte),
  firstRow: row.firstRow,
  rows: row.rows,
  doneRows: row.doneRows,
  result: row.result,
});

/**
 * The chunks of predict jobs split across workers. A job's plan is written once (a second plan of the same
 * pinned input is the same plan, and is ignored); a chunk is done once (`complete` applies to a chunk not
 * done yet only), so a chunk delivered twice is recorded once and a done chunk is never redone.
 */
export class PredictChunkRepository {
  constructor(private readonly db: Db | Tx) {}

  /** Records the plan unless the job has one, and answers the job's plan (the one recorded first). */
  async plan(jobId: string, chunks: readonly NewPredictChunk[]): Promise<PlannedChunk[]> {
    await this.db.predictChunk.createMany({
      data: chunks.map((chunk) => ({ ...chunk, jobId })),
      skipDuplicates: true,
    });
    return this.list(jobId);
  }

  async list(jobId: string): Promise<PlannedChunk[]> {
    const rows = await this.db.predictChunk.findMany({ where: { jobId }, orderBy: { index: 'asc' } });
    return rows.map(toChunk);
  }

  async find(jobId: string, index: number): Promise<PlannedChunk | null> {
    const row = await this.db.predictChunk.findUnique({ where: { jobId_index: { jobId, index } } });
    return row ? toChunk(row) : null;
  }

  /**
   * A chunk's rows predicted so far, and the job's progress as the sum over its chunks (kept below 1: the
   * last step, assembling, is the job's). Only while the chunk is not done and the job RUNNING.
   */
  async reportProgress(jobId: string, index: number, doneRows: number): Promise<void> {
    await this.db.predictChunk.updateMany({
      where: { jobId, index, result: { equals: Prisma.DbNull } },
      data: { doneRows },
    });
    await this.db.$executeRaw`
      UPDATE jobs SET progress = LEAST(0.99,
        (SELECT SUM(done_rows) / GREATEST(1, SUM(\`rows\`)) FROM predict_chunks WHERE job_id = ${jobId}))
      WHERE id = ${jobId} AND status = 'RUNNING'`;
  }

  /**
   * Marks the chunk done with what it found: `done`, or `already` when it was done before (a second
   * delivery), or `gone` when the job's chunks were removed meanwhile (it ended: its parts are swept).
   */
  async complete(
    jobId: string,
    index: number,
    result: Prisma.InputJsonValue,
  ): Promise<'done' | 'already' | 'gone'> {
    const done = await this.db.$executeRaw`
      UPDATE predict_chunks SET result = ${JSON.stringify(result)}, done_rows = \`rows\`, done_at = UTC_TIMESTAMP(3)
      WHERE job_id = ${jobId} AND chunk_index = ${index} AND result IS NULL`;
    if (done === 1) return 'done';
    return (await this.find(jobId, index)) ? 'already' : 'gone';
  }

  /** Jobs that ended (succeeded, failed, cancelled) with chunks left: their parts are to be removed. */
  async listEndedJobs(): Promise<string[]> {
    const rows = await this.db.predictChunk.findMany({
      where: { index: 0, job: { status: { in: ['SUCCEEDED', 'FAILED', 'CANCELLED'] } } },
      select: { jobId: true },
    });
    return rows.map((row) => row.jobId);
  }

  /** Forgets a job's chunks (after its parts were removed). */
  async remove(jobId: string): Promise<void> {
    await this.db.predictChunk.deleteMany({ where: { jobId } });
  }
}
