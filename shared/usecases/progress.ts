import { catalogDepartments } from '../catalog/index.ts';
import { MAX_MISSES_A_DAY, nameDigest } from '../domain/progress.ts';
import { NotFound } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import type { ProgressRepository } from '../ports/records.ts';
import { shanghaiDate } from '../time.ts';

/** The public progress records, and real time (the day a code's wrong names are counted for). */
export type ProgressDeps = { progress: ProgressRepository; realClock: Clock };

/**
 * GET /progress/{supervisionCode}?name= (H1): the case's item, department, status and public
 * steps, for anyone who has its code (on every notice) and its applicant's name; nothing personal.
 * A wrong name answers as an unknown code does, so the lookup says nothing of whose code it is;
 * after five wrong names in a day the code answers nothing more that day (the verification shows
 * the name masked: the rest must not be guessable by trying).
 */
export async function progressByCode(deps: ProgressDeps, supervisionCode: string, name: string) {
  const today = shanghaiDate(deps.realClock.now());
  const p = await deps.progress.getProgress(supervisionCode);
  const locked = (p?.misses?.[today] ?? 0) >= MAX_MISSES_A_DAY;
  const known = p && !locked && p.nameDigest === nameDigest(supervisionCode, name);
  if (!known) {
    if (p && !locked) await deps.progress.recordMiss(supervisionCode, today);
    throw new NotFound(`no case ${supervisionCode} filed under that name`);
  }
  const department = catalogDepartments().find((d) => d.code === p.leadDepartment) ?? { code: p.leadDepartment, name: p.leadDepartment };
  return { supervisionCode: p.supervisionCode, serviceItem: p.serviceItem, department, status: p.status, filedAt: p.filedAt, updatedAt: p.updatedAt, steps: p.steps };
}
