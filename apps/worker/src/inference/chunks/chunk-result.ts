import { ERROR_CODES } from '@shelfwise/contracts';
import { z } from 'zod';

const tally = z.object({
  seen: z.number().int(),
  unknown: z.boolean(),
  error: z.string().nullable(),
  pairs: z.array(z.tuple([z.string(), z.string(), z.number().int()])),
});

const rowProblem = z.discriminatedUnion('kind', [
  z.object({ row: z.number().int(), column: z.string(), kind: z.literal('empty') }),
  z.object({
    row: z.number().int(),
    column: z.string(),
    kind: z.literal('unknown-label'),
    value: z.string(),
  }),
]);

/**
 * What a done chunk found, stored with its `predict_chunks` row: the parent run combines these into the
 * job's outcome. Either it predicted its rows (counts, tallies, the ETags of the parts it wrote), found
 * invalid rows (`problems`: no parts), or failed for good (`failure`: a CSV that does not parse there).
 */
export const chunkResult = z.object({
  /** The model version that predicted it (every chunk of a job uses the same), and its labels. */
  model: z.object({
    modelVersionId: z.number().int(),
    version: z.number().int(),
    labels: z.array(z.string()),
  }),
  counts: z.object({
    rows: z.number().int(),
    labelledRows: z.number().int(),
    reviewRows: z.number().int(),
    predictMs: z.number(),
  }),
  problems: z
    .object({ count: z.number().int(), unknownLabels: z.boolean(), shown: z.array(rowProblem) })
    .nullable(),
  failure: z.object({ code: z.enum(ERROR_CODES), message: z.string() }).nullable(),
  scores: z.object({
    serving: tally,
    shadows: z.array(z.object({ version: z.number().int(), modelVersionId: z.number().int(), tally })),
  }),
  /** The ETag of each part written; null: none (no such rows in the chunk). */
  parts: z.object({
    predictions: z.string().nullable(),
    feedback: z.string().nullable(),
    review: z.string().nullable(),
  }),
});

export type ChunkResult = z.infer<typeof chunkResult>;
