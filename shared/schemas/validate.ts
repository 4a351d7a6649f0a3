import type { z } from 'zod';
import { RuleViolation, type FieldError } from '../errors.ts';

export function zodErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Validates with a zod schema at an edge; a failure is a 422 listing every field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = '', what = 'the request'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new RuleViolation(`${what} is not valid`, zodErrors(parsed.error, prefix));
  return parsed.data;
}
