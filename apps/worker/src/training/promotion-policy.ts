import { evaluate, type LabelledText, type Predictor, trainedOn } from '@shelfwise/classifier';
import type { BestModelMetric, PromotionRecord } from '@shelfwise/contracts';

export type AutoPromote = 'better-or-equal' | 'always' | 'never';

export type PromotionDecision = Omit<PromotionRecord, 'decided_at'>;

export interface PromotionInput {
  policy: AutoPromote;
  metric: BestModelMetric;
  /** A client key submitted the training: its data, validation rows included, are the client's. */
  submittedByClient: boolean;
  /** Rows neither model trained on are needed at least this many times for a comparison. */
  minRows: number;
  /** The candidate, loaded in onnxruntime, and the rows it may be judged on (its validation rows). */
  candidate: { predictor: Predictor; rows: readonly LabelledText[] };
  serving: { version: number; predictor: Predictor } | undefined;
}

const byHand = 'an admin promotes by hand';

/**
 * Decides automatic promotion. The first model serves (nothing else would). A candidate trained from a client's data is never promoted automatically:
 * every row it could be judged on came from the submitter, who could have chosen them (swapped labels
 * scored 0.94 against 0.62 on the client's own split). Otherwise the candidate and the serving model are
 * both scored, in onnxruntime, on the rows neither trained on (their manifests' training-set
 * fingerprints), and the candidate is promoted when not worse. A serving model whose manifest does not
 * record its training set (format 1) leaves no row known to be unseen: no automatic promotion.
 */
export async function decidePromotion(input: PromotionInput): Promise<PromotionDecision> {
  const refused = (reason: string): PromotionDecision => ({ promoted: false, reason, comparison: null });
  if (input.submittedByClient)
    return refused(`trained on data a client key submitted: never promoted automatically; ${byHand}`);
  const { serving } = input;
  // Nothing serves yet: any model is better than none (and AUTO_PROMOTE governs replacing one).
  if (!serving) return { promoted: true, reason: 'first model: promoted', comparison: null };
  if (input.policy === 'never') return refused(`AUTO_PROMOTE=never: ${byHand}`);
  if (input.policy === 'always') return { promoted: true, reason: 'AUTO_PROMOTE=always', comparison: null };
  const servingManifest = serving.predictor.manifest;
  if (!servingManifest.trainingSet) {
    return refused(
      `serving v${serving.version}'s manifest (format ${servingManifest.formatVersion}) does not record its training rows, so no row is known to be unseen by both: ${byHand}`,
    );
  }
  const candidateManifest = input.candidate.predictor.manifest;
  const common = input.candidate.rows.filter(
    (row) =>
      trainedOn(candidateManifest, row.text) === false && trainedOn(servingManifest, row.text) === false,
  );
  if (common.length < input.minRows) {
    return refused(
      `only ${common.length} of the ${input.candidate.rows.length} validation rows are unseen by both this model and serving v${serving.version} (PROMOTION_MIN_ROWS ${input.minRows}): no automatic promotion; ${byHand}`,
    );
  }
  const [candidate, current] = await Promise.all([
    score(input.candidate.predictor, common, input.metric),
    score(serving.predictor, common, input.metric),
  ]);
  const promoted = candidate >= current;
  return {
    promoted,
    reason: `${input.metric} ${candidate.toFixed(4)} vs serving v${serving.version} ${current.toFixed(4)} on ${common.length} rows neither trained on: ${promoted ? 'promoted' : 'not promoted (worse)'}`,
    comparison: {
      metric: input.metric,
      candidate,
      serving: current,
      serving_version: serving.version,
      rows: common.length,
    },
  };
}

async function score(predictor: Predictor, rows: readonly LabelledText[], metric: BestModelMetric) {
  const predictions = await predictor.predict(rows.map((row) => row.text));
  const truth = rows.map((row) => row.label);
  const labels = [...new Set([...truth, ...predictor.labels])];
  const scored = evaluate(
    truth,
    predictions.map((p) => p.label),
    labels,
  );
  return metric === 'eval_f1' ? scored.f1 : scored.minF1;
}
