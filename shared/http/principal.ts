import * as z from 'zod';
import { config } from '../config.ts';
import type { Principal } from '../domain/principal.ts';
import { Unauthenticated } from '../errors.ts';

/**
 * API Gateway's JWT authorizer hands claims to the function as strings, and flattens arrays into
 * "[a b]"; the local gateway does the same. Parse both shapes.
 */
const roles = z
  .union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.replace(/^\[|\]$/g, '').split(/[\s,]+/).filter(Boolean)))
  .pipe(z.array(z.enum(['reviewer', 'approver', 'dept_admin', 'admin'])));

const Claims = z.object({
  sub: z.string().min(1),
  name: z.string().default(''),
  subject_type: z.enum(['person', 'company', 'organisation']).default('person'),
  auth_level: z.coerce.number().pipe(z.union([z.literal(0), z.literal(1), z.literal(2)])).default(0),
  dept: z.string().optional(),
  roles: roles.optional(),
  // When it was issued and when it expires (seconds since the epoch): a token for ever is refused.
  iat: z.coerce.number().int(),
  exp: z.coerce.number().int(),
});

export function principalFromClaims(claims: unknown): Principal {
  const parsed = Claims.safeParse(claims);
  if (!parsed.success) {
    const missing = ['exp', 'iat'].filter((k) => parsed.error.issues.some((i) => i.path[0] === k));
    throw new Unauthenticated(missing.length ? `the token has no valid ${missing.join(' and ')}: tokens must say when they were issued and when they expire` : 'the token’s claims are incomplete');
  }
  const c = parsed.data;
  // The identity provider must issue tokens that live no longer (README, Deploy).
  const max = config.maxTokenLifetimeSeconds;
  if (c.exp - c.iat > max) throw new Unauthenticated(`the token lives ${c.exp - c.iat} s; at most ${max} s is accepted`);
  if (c.roles?.length) return { kind: 'staff', sub: c.sub, name: c.name, dept: c.dept, roles: c.roles };
  return { kind: 'citizen', sub: c.sub, name: c.name, subjectType: c.subject_type, authLevel: c.auth_level };
}
