import { z } from 'zod';

/** `eval_f1`: weighted F1; `eval_f1_min`: the lowest per-class F1 (guards the rarest class). */
export const bestModelMetricSchema = z.enum(['eval_f1', 'eval_f1_min']);
export type BestModelMetric = z.infer<typeof bestModelMetricSchema>;
