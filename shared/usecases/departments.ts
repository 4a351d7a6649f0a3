import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { catalogDepartments } from '../catalog/index.ts';
import { Conflict, NotFound } from '../errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { Department } from '../domain/records.ts';
import type { CreateDepartmentRequest, UpdateDepartmentRequest } from '../schemas/api.ts';
import { toShanghaiIso } from '../time.ts';
import { requireAdmin } from './access.ts';
import type { Deps } from './deps.ts';

/** How long a rotated-out secret keeps verifying, so a department can switch without downtime. */
export const SECRET_OVERLAP_MS = 24 * 3600_000;

/** A Standard Webhooks secret: whsec_ and 32 random bytes in base64. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The department's record. Departments the catalog names exist from the start: until an
 * administrator gives one a secret or a URL, it has neither.
 */
export async function loadDepartment(deps: Pick<Deps, 'departments'>, code: string): Promise<{ dept: Department; stored: boolean } | undefined> {
  const stored = await deps.departments.getDepartment(code);
  if (stored) return { dept: stored, stored: true };
  const seeded = catalogDepartments().find((d) => d.code === code);
  if (!seeded) return undefined;
  return { dept: { code: seeded.code, name: seeded.name, secrets: [], createdAt: '', updatedAt: '' }, stored: false };
}

/** Secrets that verify now: the current one, and rotated-out ones still inside their overlap. */
export function activeSecrets(dept: Department, now: Date): string[] {
  return dept.secrets.filter((s) => !s.retiresAt || new Date(s.retiresAt) > now).map((s) => s.secret);
}

const view = (d: Department) => ({ code: d.code, name: d.name, ...(d.webhookUrl ? { webhookUrl: d.webhookUrl } : {}) });

/** Administering departments: their records, and real time for secrets and dates. */
export type DepartmentAdminDeps = Pick<Deps, 'departments' | 'realClock'>;

export async function createDepartment(deps: DepartmentAdminDeps, principal: Principal | undefined, body: z.output<typeof CreateDepartmentRequest>) {
  requireAdmin(principal);
  if (await loadDepartment(deps, body.code)) throw new Conflict(`department ${body.code} already exists`);
  const now = toShanghaiIso(deps.realClock.now());
  const secret = newSecret();
  const dept: Department = { ...body, secrets: [{ secret, createdAt: now }], createdAt: now, updatedAt: now };
  await deps.departments.createDepartment(dept);
  return { ...view(dept), secret };
}

async function save(deps: Pick<Deps, 'departments'>, dept: Department, stored: boolean) {
  if (stored) await deps.departments.updateDepartment(dept);
  // A catalog department is written for the first time: it is created now.
  else await deps.departments.createDepartment({ ...dept, createdAt: dept.updatedAt });
}

export async function updateDepartment(deps: DepartmentAdminDeps, principal: Principal | undefined, code: string, body: z.output<typeof UpdateDepartmentRequest>) {
  requireAdmin(principal);
  const found = await loadDepartment(deps, code);
  if (!found) throw new NotFound(`no department ${code}`);
  const dept: Department = { ...found.dept, ...body, updatedAt: toShanghaiIso(deps.realClock.now()) };
  await save(deps, dept, found.stored);
  return view(dept);
}

export async function rotateSecret(deps: DepartmentAdminDeps, principal: Principal | undefined, code: string) {
  requireAdmin(principal);
  const found = await loadDepartment(deps, code);
  if (!found) throw new NotFound(`no department ${code}`);
  const now = deps.realClock.now();
  const retiresAt = toShanghaiIso(new Date(now.getTime() + SECRET_OVERLAP_MS));
  const secret = newSecret();
  const kept = found.dept.secrets
    .filter((s) => !s.retiresAt || new Date(s.retiresAt) > now)
    .map((s) => (s.retiresAt ? s : { ...s, retiresAt }));
  const dept: Department = { ...found.dept, secrets: [{ secret, createdAt: toShanghaiIso(now) }, ...kept], updatedAt: toShanghaiIso(now) };
  await save(deps, dept, found.stored);
  return { ...view(dept), secret };
}
