import { z } from 'zod';

const VERSION_MESSAGE = 'must be a model version number: a whole number from 1, like 3';

/**
 * `/v1/models/{version}`. Read as text and checked before it becomes a number: a coerced "abc" would be
 * NaN, and zod's message for that ("received NaN") names nothing the caller sent.
 */
export const modelVersionParams = z.strictObject({
  version: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, VERSION_MESSAGE)
    .meta({ description: 'the model version number', examples: ['3'] })
    .transform(Number),
});

export const jobIdParams = z.strictObject({
  id: z.string().meta({
    description: 'the job id (a UUID), as `job_id` in the answer that made the job',
    examples: ['0b7f3c1e-5d2a-4c8e-9f61-2a7d4e8b9c10'],
  }),
});

/** The files a predict job writes, as `GET /v1/jobs/{id}/output/{file}` names them. */
export const JOB_FILES = ['predictions', 'feedback', 'review'] as const;
export type JobFile = (typeof JOB_FILES)[number];

export const jobFileParams = jobIdParams.extend({
  file: z.enum(JOB_FILES).meta({
    description:
      '`predictions` (the output), `feedback` (the rows with `HUMAN_VERIFIED_Category` filled in, kept for training) or `review` (the unsure rows to label and submit back)',
    examples: ['review'],
  }),
});
