import { InvalidRowsError, predictRows, type RowSink } from '@shelfwise/classifier';
import type { JobPayload } from '@shelfwise/contracts';
import { type PartKind, partUri } from '@shelfwise/contracts';
import type { JobRepository, PlannedChunk, PredictChunkRepository, Prisma } from '@shelfwise/db';
import type { Logger } from '@shelfwise/logger';
import type { ObjectStore } from '@shelfwise/storage';
import { describeFailure } from '../../errors/describe-failure';
import { JobCancelledError } from '../../errors/job-cancelled-error';
import type { DirectHandler } from '../../job-handlers';
import type { ModelCache, ModelLease } from '../../model/model-cache';
import type { ShadowLease, ShadowModels } from '../../model/shadow-models';
import { counted } from '../counting-stream';
import { FeedbackScorer } from '../feedback-scorer';
import { throttle } from '../throttle';
import { UploadSink } from '../upload-sink';
import type { ChunkResult } from './chunk-result';
import { readHeader } from './read-header';

export interface PredictChunkDependencies {
  store: ObjectStore;
  models: ModelCache;
  shadows: ShadowModels;
  chunks: PredictChunkRepository;
  jobs: JobRepository;
  inferenceBucket: string;
  batchSize: number;
  reviewConfidence: number;
  logger: Logger;
}

type Payload = JobPayload<'predict-chunk'>;
const KINDS: readonly PartKind[] = ['predictions', 'feedback', 'review'];

/**
 * One chunk of a chunked predict job, on any inference worker: its byte range of the input (at the pinned
 * version) through the predict pipeline, after the file's header, into its three parts (predictions with
 * the header for chunk 0 only; feedback and review rows without one, written only when it has some). Then
 * the chunk is marked done with what it found, which the job's run assembles. A chunk done already, or of a
 * job that ended, writes nothing; run twice, it writes the same bytes to the same keys. Invalid rows and
 * input that cannot be used are recorded as the chunk's result (the job fails naming them all); other
 * failures are thrown and retried by BullMQ. The job being cancelled stops it within a second.
 */
export function predictChunkHandler(deps: PredictChunkDependencies): DirectHandler<'predict-chunk'> {
  return {
    kind: 'direct',
    run: async (payload) => {
      const { jobId, chunk: index } = payload;
      const [chunk, first, job] = await Promise.all([
        deps.chunks.find(jobId, index),
        deps.chunks.find(jobId, 0),
        deps.jobs.findById(jobId),
      ]);
      const logger = deps.logger.child({ jobId, chunk: index });
      if (!chunk || !first || chunk.result !== null || job?.status !== 'RUNNING') {
        logger.info('chunk done already, or its job ended: nothing to do');
        return { rows: 0 };
      }
      if (job.modelVersionId === null)
        throw new Error(`job ${jobId} records no model version for its chunks`);
      // The version recorded when the job was planned, even if another was promoted since.
      const lease = await deps.models.acquireVersion(job.modelVersionId);
      let shadows: ShadowLease[] = [];
      try {
        shadows = await deps.shadows.acquire(lease.version);
        const result = await predictChunk(deps, payload, chunk, first.startByte, lease, shadows);
        if (!result) {
          logger.info('job cancelled while its chunk ran; parts discarded');
          return { rows: 0 };
        }
        const state = await deps.chunks.complete(jobId, index, result as unknown as Prisma.InputJsonValue);
        // The job ended and its chunks were swept while this one ran: what it wrote is nobody's.
        if (state === 'gone') {
          for (const kind of KINDS)
            await deps.store.delete(partUri(deps.inferenceBucket, jobId, kind, index));
        }
        logger.info({ rows: result.counts.rows, state }, 'chunk predicted');
        return { rows: result.counts.rows };
      } catch (error) {
        // Retried by BullMQ (the chunk job's attempts); the last failure fails the job.
        logger.warn({ err: error }, 'chunk failed');
        throw error;
      } finally {
        lease.release();
        for (const shadow of shadows) shadow.release();
      }
    },
  };
}

/** The chunk's result, or null when its job was cancelled (or ended) meanwhile. */
async function predictChunk(
  deps: PredictChunkDependencies,
  payload: Payload,
  chunk: PlannedChunk,
  headerEnd: number,
  lease: ModelLease,
  shadows: readonly ShadowLease[],
): Promise<ChunkResult | null> {
  const { jobId, chunk: index } = payload;
  const controller = new AbortController();
  const { signal } = controller;
  const input = { uri: payload.inputUri, etag: payload.inputEtag };
  const range = { start: chunk.startByte, end: chunk.endByte };
  const uriOf = (kind: PartKind) => partUri(deps.inferenceBucket, jobId, kind, index);
  const upload = (kind: PartKind) => (body: Parameters<ObjectStore['upload']>[1]) =>
    deps.store.upload(uriOf(kind), body, 'text/csv', { signal });
  const stopUnlessRunning = async () => {
    const status = (await deps.jobs.findById(jobId))?.status;
    if (status !== 'RUNNING') controller.abort(new JobCancelledError(jobId));
    signal.throwIfAborted();
  };
  let predictions: UploadSink | undefined;
  let feedback: UploadSink | undefined;
  let review: UploadSink | undefined;
  const scorer = new FeedbackScorer(lease.predictor.manifest, shadows);
  try {
    const header = await readHeader(deps.store, input, headerEnd, signal);
    const bytes = counted(await deps.store.download(input.uri, { etag: input.etag, signal, range }));
    const report = throttle(1_000, async () => {
      const share = bytes.bytes / Math.max(1, range.end - range.start);
      await deps.chunks.reportProgress(jobId, index, Math.floor(chunk.rows * share));
      await stopUnlessRunning();
    });
    const { counts } = await predictRows(bytes, lease.predictor, {
      batchSize: deps.batchSize,
      reviewConfidence: deps.reviewConfidence,
      slice: { header, firstRow: chunk.firstRow },
      open: (at) => {
        // The same formatting as one worker's files, so the parts joined are those files byte for byte.
        predictions = new UploadSink(index === 0 ? at.output : null, upload('predictions'), {
          neutraliseFormulas: true,
        });
        return {
          predictions,
          feedback:
            at.verifiedAt >= 0
              ? openedOnFirstRow(() => {
                  feedback ??= new UploadSink(null, upload('feedback'));
                  return feedback;
                })
              : undefined,
          review: openedOnFirstRow(() => {
            review ??= new UploadSink(null, upload('review'), { neutraliseFormulas: true });
            return review;
          }),
          scored: (rows) => scorer.add(rows),
        };
      },
      afterBatch: report,
    });
    if (counts.rows !== chunk.rows) {
      throw new Error(
        `chunk ${index} of job ${jobId} has ${counts.rows} rows where ${chunk.rows} were planned`,
      );
    }
    // Completing the uploads commits the parts: only while the job still runs.
    await stopUnlessRunning();
    // The ETags S3 answered for these uploads, not a HEAD after them: a copy delivered at the same time may be
    // rewriting the same key (same bytes), and a store without atomic writes (s3rver) shows it half-written.
    const [predictionsEtag, feedbackEtag, reviewEtag] = await Promise.all(
      [predictions, feedback, review].map(async (sink) => (sink ? ((await sink.finish()) ?? null) : null)),
    );
    return {
      ...found(lease, scorer),
      counts,
      parts: {
        predictions: predictionsEtag ?? null,
        feedback: feedbackEtag ?? null,
        review: reviewEtag ?? null,
      },
    };
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    for (const sink of [predictions, feedback, review]) sink?.abort(reason);
    if (signal.aborted) return null;
    if (error instanceof InvalidRowsError) {
      const { count, unknownLabels, shown } = error.problems;
      return { ...found(lease, scorer), problems: { count, unknownLabels, shown: [...shown] } };
    }
    const failure = describeFailure(error);
    if (!failure.permanent) throw error;
    return { ...found(lease, scorer), failure: { code: failure.code, message: failure.message } };
  }
}

/** A sink whose upload starts with the first row written: a chunk without such rows writes no part. */
function openedOnFirstRow(open: () => UploadSink): RowSink {
  return {
    write: async (rows) => {
      if (rows.length > 0) await open().write(rows);
    },
  };
}

const NO_COUNTS = { rows: 0, labelledRows: 0, reviewRows: 0, predictMs: 0 };
const NO_PARTS = { predictions: null, feedback: null, review: null };

function found(lease: ModelLease, scorer: FeedbackScorer): ChunkResult {
  return {
    model: {
      modelVersionId: lease.modelVersionId,
      version: lease.version,
      labels: [...lease.predictor.labels],
    },
    counts: NO_COUNTS,
    problems: null,
    failure: null,
    scores: scorer.data(),
    parts: NO_PARTS,
  };
}
