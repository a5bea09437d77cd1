import type { z } from 'zod';
import type { FieldProblem } from '../errors/api-error';

const pathOf = (path: PropertyKey[]): string => (path.length > 0 ? path.map(String).join('.') : '(body)');

/** Each zod issue as the field it concerns and what is wrong; an unknown field gets an entry of its own. */
export function fieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: pathOf([...issue.path, key]), message: 'unknown field' }))
      : [{ path: pathOf(issue.path), message: issue.message }],
  );
}
