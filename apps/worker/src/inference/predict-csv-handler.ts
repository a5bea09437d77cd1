import { evaluate } from '@shelfwise/classifier';
import type { JobPayload, JobResult } from '@shelfwise/contracts';
import type { FeedbackRepository, MonitoringRepository } from '@shelfwise/db';
import { type CsvRow, createCsvWriter, type ObjectStore, readCsv } from '@shelfwise/storage';
import { JobInputError } from '../errors/job-input-error';
import type { JobContext, JobOutcome } from '../job-context';
import type { RecordedHandler } from '../job-handlers';
import type { ModelLease, ModelServer } from '../model/model-server';
import { CountingStream } from './counting-stream';
import { RowProblems } from './row-problems';
import { UploadSink } from './upload-sink';

export const TEXT_COLUMN = 'product_description';
export const VERIFIED_COLUMN = 'HUMAN_VERIFIED_Category';

export interface PredictCsvDependencies {
  store: ObjectStore;
  models: ModelServer;
  monitoring: MonitoringRepository;
  feedback: FeedbackRepository;
  buckets: { dataset: string; inference: string };
  batchSize: number;
}

type Result = JobResult<'predict-csv'>;

/**
 * Streams the input CSV from S3, predicts in batches and streams the predictions back, in one pass with
 * bounded memory. Every invalid row is collected; if there is any, both uploads are aborted and the job
 * fails naming them, so nothing is written. Human-verified rows become feedback and are scored.
 */
export function predictCsvHandler(deps: PredictCsvDependencies): RecordedHandler<'predict-csv'> {
  return {
    kind: 'recorded',
    run: async (payload, context) => {
      const lease = await deps.models.acquire({ fresh: true });
      try {
        await context.useModelVersion(lease.modelVersionId, lease.version);
        return await predictFile(deps, payload, context, lease);
      } finally {
        lease.release();
      }
    },
  };
}

async function predictFile(
  deps: PredictCsvDependencies,
  payload: JobPayload<'predict-csv'>,
  context: JobContext,
  lease: ModelLease,
): Promise<JobOutcome<Result>> {
  const outputUri = `s3://${deps.buckets.inference}/${context.jobId}/predictions.csv`;
  const feedbackUri = `s3://${deps.buckets.dataset}/feedback/${context.jobId}.csv`;
  const size = (await deps.store.size(payload.inputUri)) ?? 0;
  const counter = new CountingStream();
  const input = (await deps.store.download(payload.inputUri)).pipe(counter);
  const labels = new Set(lease.predictor.labels);

  let output: UploadSink | undefined;
  let feedback: UploadSink | undefined;
  const problems = new RowProblems();
  const batch: CsvRow[] = [];
  const truth: string[] = [];
  const predicted: string[] = [];
  let rows = 0;
  let predictMs = 0;
  let hasVerified = false;
  let unknownLabels = false;

  const flush = async () => {
    if (batch.length === 0 || !output) return;
    const started = performance.now();
    const predictions = await lease.predictor.predict(batch.map((row) => row[TEXT_COLUMN] ?? ''));
    predictMs += performance.now() - started;
    for (let i = 0; i < batch.length; i++) {
      const row = batch[i] as CsvRow;
      const prediction = predictions[i];
      if (!prediction) throw new Error('the model returned fewer predictions than texts');
      await output.write({
        ...row,
        predicted_category: prediction.label,
        confidence: prediction.confidence.toFixed(6),
      });
      const verified = row[VERIFIED_COLUMN]?.trim();
      if (verified && feedback) {
        await feedback.write({ [TEXT_COLUMN]: row[TEXT_COLUMN] ?? '', [VERIFIED_COLUMN]: verified });
        truth.push(verified);
        predicted.push(prediction.label);
      }
    }
    batch.length = 0;
    await context.progress(size > 0 ? Math.min(0.99, counter.bytes / size) : 0);
    await context.checkCancelled();
  };

  try {
    for await (const row of readCsv(input, { required: [TEXT_COLUMN] }, ({ columns }) => {
      hasVerified = columns.includes(VERIFIED_COLUMN);
      output = new UploadSink(createCsvWriter([...columns, 'predicted_category', 'confidence']), (body) =>
        deps.store.upload(outputUri, body, 'text/csv'),
      );
      if (hasVerified) {
        feedback = new UploadSink(createCsvWriter([TEXT_COLUMN, VERIFIED_COLUMN]), (body) =>
          deps.store.upload(feedbackUri, body, 'text/csv'),
        );
      }
    })) {
      rows++;
      const text = row[TEXT_COLUMN]?.trim();
      if (!text) problems.add(rows, `empty ${TEXT_COLUMN}`);
      const verified = row[VERIFIED_COLUMN]?.trim();
      if (verified && !labels.has(verified)) {
        unknownLabels = true;
        problems.add(rows, `unknown ${VERIFIED_COLUMN} "${verified}"`);
      }
      // After the first invalid row there is no point predicting; keep reading to name every bad row.
      if (problems.count > 0) continue;
      batch.push(row);
      if (batch.length >= deps.batchSize) await flush();
    }
    if (rows === 0) throw new JobInputError('INVALID_CSV', `${payload.inputUri} has a header but no rows`);
    if (problems.count > 0) {
      throw new JobInputError(
        unknownLabels ? 'UNKNOWN_LABEL' : 'INVALID_CSV',
        `${payload.inputUri}: ${problems.summary()} (known labels: ${[...labels].join(', ')})`,
      );
    }
    await flush();
    await Promise.all([output?.finish(), feedback?.finish()]);
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    output?.abort(reason);
    feedback?.abort(reason);
    throw error;
  }
  if (!output) throw new JobInputError('INVALID_CSV', `${payload.inputUri} is empty (no header)`);

  const labelledRows = truth.length;
  // The verified column was there but nobody filled it in: no feedback to keep.
  if (feedback && labelledRows === 0) await deps.store.delete(feedbackUri);
  let metrics: Result['metrics'] = null;
  if (labelledRows > 0) {
    const scored = evaluate(truth, predicted, lease.predictor.labels);
    metrics = { weightedF1: scored.f1, minF1: scored.minF1 };
    await deps.feedback.record({ jobId: context.jobId, s3Uri: feedbackUri, rows: labelledRows });
    await deps.monitoring.record({
      jobId: context.jobId,
      modelVersionId: lease.modelVersionId,
      weightedF1: scored.f1,
      minF1: scored.minF1,
      perClassF1: Object.fromEntries(scored.perClass.map((c) => [c.label, c.f1])),
      rows,
      labelledRows,
      latencyPerRowMs: predictMs / rows,
    });
  }
  context.logger.info({ rows, labelledRows, modelVersion: lease.version, ...metrics }, 'predictions written');
  return {
    outputUri,
    modelVersionId: lease.modelVersionId,
    result: {
      outputUri,
      rows,
      labelledRows,
      feedbackUri: labelledRows > 0 ? feedbackUri : null,
      modelVersion: lease.version,
      metrics,
    },
  };
}
