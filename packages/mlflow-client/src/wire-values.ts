import { z } from 'zod';

// Protobuf JSON, which MLflow speaks, may write int64 as a decimal string and writes non-finite
// doubles as "NaN" / "Infinity" / "-Infinity"; these schemas turn both back into numbers.

export const int64Schema = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

const NON_FINITE = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
};

export const doubleSchema = z.union([
  z.number(),
  z.enum(['NaN', 'Infinity', '-Infinity']).transform((value) => NON_FINITE[value]),
]);

/** JSON.stringify replacer writing non-finite numbers the way protobuf JSON expects them. */
export function protobufJsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

export const keyValueSchema = z.object({ key: z.string(), value: z.string().default('') });
