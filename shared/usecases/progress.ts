import { catalogDepartments } from '../catalog/index.ts';
import { nameDigest } from '../domain/progress.ts';
import { NotFound } from '../errors.ts';
import type { ProgressRepository } from '../ports/records.ts';

export type ProgressDeps = { progress: ProgressRepository };

/**
 * GET /progress/{supervisionCode}?name= (H1): the case's item, department, status and public
 * steps, for anyone who has its code (on every notice) and its applicant's name; nothing personal.
 * A wrong name answers as an unknown code does, so the lookup says nothing of whose code it is.
 */
export async function progressByCode(deps: ProgressDeps, supervisionCode: string, name: string) {
  const p = await deps.progress.getProgress(supervisionCode);
  if (!p || p.nameDigest !== nameDigest(supervisionCode, name)) throw new NotFound(`no case ${supervisionCode} filed under that name`);
  const department = catalogDepartments().find((d) => d.code === p.leadDepartment) ?? { code: p.leadDepartment, name: p.leadDepartment };
  return { supervisionCode: p.supervisionCode, serviceItem: p.serviceItem, department, status: p.status, filedAt: p.filedAt, updatedAt: p.updatedAt, steps: p.steps };
}
