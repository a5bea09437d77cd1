import {
  addCounts,
  FEEDBACK_HEADER,
  InvalidRowsError,
  predictionLayout,
  RowProblems,
} from '@shelfwise/classifier';
import {
  feedbackUri,
  type JobPayload,
  type JobResult,
  type PartKind,
  partUri,
  predictionsUri,
  reviewUri,
} from '@shelfwise/contracts';
import { formatCsv } from '@shelfwise/csv';
import type { PlannedChunk, PredictChunkRepository } from '@shelfwise/db';
import type { ObjectStore } from '@shelfwise/storage';
import { JobInputError } from '../../errors/job-input-error';
import type { JobContext, JobOutcome } from '../../job-context';
import type { ModelCache } from '../../model/model-cache';
import { combineScores } from '../feedback-scorer';
import { invalidRowsFailure } from '../invalid-rows-failure';
import { type PredictOutcomeDependencies, recordPredictOutcome } from '../record-predict-outcome';
import type { ChunkParts } from './chunk-parts';
import { type ChunkResult, chunkResult } from './chunk-result';
import { planChunks } from './plan-chunks';
import { readHeader } from './read-header';

export interface ChunkedPredictDependencies extends PredictOutcomeDependencies {
  store: ObjectStore;
  models: ModelCache;
  chunks: PredictChunkRepository;
  parts: ChunkParts;
  buckets: { dataset: string; inference: string };
  /** PREDICT_CHUNK_ROWS: a file over this many data rows is split. */
  rowsPerChunk: number;
}

type Payload = JobPayload<'predict-csv'>;
type Result = JobResult<'predict-csv'>;

/** A chunk's BullMQ job id: fixed per job and chunk, so adding it again while it exists is a no-op. */
export const chunkJobId = (jobId: string, chunk: number): string => `${jobId}-chunk-${chunk}`;

/**
 * A predict job over a file larger than PREDICT_CHUNK_ROWS rows, as a BullMQ flow: the job's run plans the
 * chunks once (recorded in MySQL, so every later run of the job resumes the same plan), hands the chunks
 * not done yet to any inference worker as children of the job, and ends; when every chunk has completed,
 * the job runs again and assembles the parts into the one predictions file (and feedback and review files)
 * one worker would have written, byte for byte, records what the job found, and removes the parts.
 */
export class ChunkedPredict {
  constructor(private readonly deps: ChunkedPredictDependencies) {}

  /** The job's chunks: the plan an earlier run recorded, or a new one; null when the file stays one job. */
  async chunksOf(payload: Payload, context: JobContext): Promise<PlannedChunk[] | null> {
    const { deps } = this;
    const recorded = await deps.chunks.list(context.jobId);
    if (recorded.length > 0) return recorded;
    const input = { uri: payload.inputUri, etag: payload.inputEtag };
    const plan = await planChunks(deps.store, input, deps.rowsPerChunk, context.signal);
    if (!plan) return null;
    // The header is checked once here, rather than by every chunk failing on it.
    predictionLayout(await readHeader(deps.store, input, plan.headerEnd, context.signal));
    // The version every chunk predicts with: the one serving now, as for a job run by one worker.
    const lease = await deps.models.acquire({ fresh: true });
    try {
      await context.useModelVersion(lease.modelVersionId, lease.version);
    } finally {
      lease.release();
    }
    const planned = plan.slices.map((slice, index) => ({
      index,
      startByte: slice.start,
      endByte: slice.end,
      firstRow: slice.firstRow,
      rows: slice.rows,
    }));
    context.logger.info({ chunks: planned.length, rows: plan.rows }, 'input split into chunks');
    return deps.chunks.plan(context.jobId, planned);
  }

  /** Waits for the chunks not done yet (ending this run), or, when all are, assembles the job's outputs. */
  async run(payload: Payload, context: JobContext, chunks: PlannedChunk[]): Promise<JobOutcome<Result>> {
    const { jobId } = context;
    const pending = chunks.filter((chunk) => chunk.result === null);
    if (pending.length > 0) {
      await context.waitForChildren(
        'predict-chunk',
        pending.map((chunk) => ({
          id: chunkJobId(jobId, chunk.index),
          body: {
            jobId,
            chunk: chunk.index,
            inputUri: payload.inputUri,
            ...(payload.inputEtag === undefined ? {} : { inputEtag: payload.inputEtag }),
          },
        })),
      );
      // No chunk job was pending: every one completed, so each chunk is done (or the job ended).
      const again = await this.deps.chunks.list(jobId);
      const left = again.filter((chunk) => chunk.result === null).map((chunk) => chunk.index);
      if (left.length > 0)
        throw new Error(`chunks ${left.join(', ')} are not done and none of them is queued`);
      return this.assemble(payload, context, again);
    }
    return this.assemble(payload, context, chunks);
  }

  private async assemble(
    payload: Payload,
    context: JobContext,
    chunks: PlannedChunk[],
  ): Promise<JobOutcome<Result>> {
    const { deps } = this;
    const { jobId, signal } = context;
    const results = chunks.map((chunk) => chunkResult.parse(chunk.result));
    const model = (results[0] as ChunkResult).model;
    await this.failIfInvalid(payload, jobId, results);
    const input = { uri: payload.inputUri, etag: payload.inputEtag };
    const layout = predictionLayout(
      await readHeader(deps.store, input, (chunks[0] as PlannedChunk).startByte, signal),
    );
    const counts = results.map((result) => result.counts).reduce(addCounts);
    const uris = {
      output: predictionsUri(deps.buckets.inference, jobId),
      feedback: feedbackUri(deps.buckets.dataset, jobId),
      review: reviewUri(deps.buckets.dataset, jobId),
    };
    const partsOf = (kind: PartKind) =>
      results.flatMap((result, index) => {
        const etag = result.parts[kind];
        return etag === null ? [] : [{ uri: partUri(deps.buckets.inference, jobId, kind, index), etag }];
      });
    // Writing the outputs commits them: only while this run holds the job.
    await context.confirmOwnership();
    const how = await deps.store.concatenate(uris.output, partsOf('predictions'), {
      contentType: 'text/csv',
      signal,
    });
    if (counts.labelledRows > 0) {
      await deps.store.concatenate(uris.feedback, partsOf('feedback'), {
        head: formatCsv([FEEDBACK_HEADER]),
        contentType: 'text/csv',
        signal,
      });
    }
    if (counts.reviewRows > 0) {
      await deps.store.concatenate(uris.review, partsOf('review'), {
        head: formatCsv([layout.review], { neutraliseFormulas: true }),
        contentType: 'text/csv',
        signal,
      });
    }
    context.logger.info({ chunks: chunks.length, how }, 'chunk parts assembled');
    const outcome = await recordPredictOutcome(deps, context, {
      counts,
      scores:
        counts.labelledRows > 0
          ? combineScores(
              model.labels,
              results.map((result) => result.scores),
            )
          : null,
      model,
      uris,
    });
    await deps.parts.remove(jobId);
    return outcome;
  }

  /**
   * A chunk that met input it could not use fails the job as one worker would have: the first such
   * failure in file order, else every invalid row of every chunk, named as in the whole file. Its parts go.
   */
  private async failIfInvalid(payload: Payload, jobId: string, results: ChunkResult[]): Promise<void> {
    const failure = results.find((result) => result.failure !== null)?.failure;
    const problems = new RowProblems();
    for (const found of results) {
      if (!found.problems) continue;
      for (const problem of found.problems.shown) problems.add(problem);
      problems.count += found.problems.count - found.problems.shown.length;
      problems.unknownLabels ||= found.problems.unknownLabels;
    }
    if (!failure && problems.count === 0) return;
    await this.deps.parts.remove(jobId);
    if (failure) throw new JobInputError(failure.code, failure.message);
    const labels = (results[0] as ChunkResult).model.labels;
    throw invalidRowsFailure(new InvalidRowsError(problems), payload.inputUri, labels);
  }
}
