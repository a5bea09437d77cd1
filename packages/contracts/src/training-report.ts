import { z } from 'zod';
import { bestModelMetricSchema } from './best-model-metric';

const score = (description: string) => z.number().meta({ description, examples: [0.94] });

/**
 * The automatic promotion decision of a model version, stored on the version and shown in
 * `GET /v1/models/{version}` and a training job's `report`.
 */
export const promotionRecord = z.object({
  promoted: z.boolean().meta({ description: 'whether the training promoted it automatically' }),
  reason: z.string().meta({
    description: 'why it was or was not promoted',
    examples: ['eval_f1 0.9512 vs serving v3 0.9488 on 412 rows neither trained on: promoted'],
  }),
  comparison: z
    .object({
      metric: bestModelMetricSchema.meta({ description: 'the figure compared' }),
      candidate: score('this version on the common rows'),
      serving: score('the serving version on the same rows'),
      serving_version: z.number().int().meta({ description: 'the version it was compared with' }),
      rows: z
        .number()
        .int()
        .meta({
          description: 'labelled rows neither version trained on (validation rows of this training)',
          examples: [412],
        }),
    })
    .nullable()
    .meta({ description: 'the comparison the decision rests on; null when none was made' }),
  decided_at: z
    .string()
    .meta({ description: 'when (ISO 8601, UTC)', examples: ['2026-12-01T09:30:00.000Z'] }),
});

export const epochReport = z.object({
  epoch: z
    .number()
    .int()
    .meta({ description: '1-based', examples: [3] }),
  epochs: z
    .number()
    .int()
    .meta({ description: 'epochs the training runs', examples: [10] }),
  train_loss: z.number().meta({ description: 'mean training loss of the epoch' }),
  eval_f1: score('weighted F1 on the validation rows after this epoch'),
  eval_f1_min: score('the lowest per-class F1 on the validation rows after this epoch'),
});

/** What a training job reports while it runs and keeps after it ends. */
export const jobReport = z.object({
  epochs: z.array(epochReport).meta({ description: 'every epoch done so far, in order' }),
  promotion: promotionRecord.nullable().meta({ description: 'the promotion decision, once made' }),
});

export type PromotionRecord = z.infer<typeof promotionRecord>;
export type EpochReportView = z.infer<typeof epochReport>;
export type JobReport = z.infer<typeof jobReport>;
