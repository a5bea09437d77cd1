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
    .transform(Number)
    .meta({ description: 'the model version number', examples: ['3'] }),
});
