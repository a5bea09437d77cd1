import { evaluate, type LabelledText, type Predictor } from '@shelfwise/classifier';
import type { BestModelMetric } from '@shelfwise/contracts';

export type AutoPromote = 'better-or-equal' | 'always' | 'never';

export interface PromotionDecision {
  promote: boolean;
  reason: string;
  servingScore?: number;
}

/**
 * The first model is promoted. A later one only if its validation metric is not worse than the serving
 * model's on the same validation rows (so a lucky split cannot flatter it), unless configured otherwise.
 */
export async function decidePromotion(input: {
  policy: AutoPromote;
  metric: BestModelMetric;
  candidateScore: number;
  validation: readonly LabelledText[];
  serving: { version: number; predictor: Predictor } | undefined;
}): Promise<PromotionDecision> {
  if (!input.serving) return { promote: true, reason: 'first model: promoted' };
  if (input.policy === 'always') return { promote: true, reason: 'AUTO_PROMOTE=always' };
  if (input.policy === 'never') return { promote: false, reason: 'AUTO_PROMOTE=never: promote by hand' };
  const predictions = await input.serving.predictor.predict(input.validation.map((e) => e.text));
  const truth = input.validation.map((e) => e.label);
  const predicted = predictions.map((p) => p.label);
  const labels = [...new Set([...truth, ...input.serving.predictor.labels])];
  const scored = evaluate(truth, predicted, labels);
  const servingScore = input.metric === 'eval_f1' ? scored.f1 : scored.minF1;
  const promote = input.candidateScore >= servingScore;
  return {
    promote,
    servingScore,
    reason: `${input.metric} ${input.candidateScore.toFixed(4)} vs serving v${input.serving.version} ${servingScore.toFixed(4)} on the same validation rows`,
  };
}
