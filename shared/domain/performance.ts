import type { CaseRecord, Light } from './case.ts';

/** What the supervision view needs of a case (F4): read in bulk, without the trail. */
export type CaseSummary = Pick<
  CaseRecord,
  'caseId' | 'supervisionCode' | 'serviceItem' | 'status' | 'leadDepartment' | 'coDepartments' | 'lights' | 'supervisions' | 'outcome' | 'createdAt' | 'updatedAt'
>;

/** A case without its trail, form and materials: what lists and a co-department's work queue show. */
export const summaryOf = (r: CaseRecord): CaseSummary => ({
  caseId: r.caseId,
  supervisionCode: r.supervisionCode,
  serviceItem: r.serviceItem,
  status: r.status,
  leadDepartment: r.leadDepartment,
  coDepartments: r.coDepartments,
  ...(r.lights ? { lights: r.lights } : {}),
  ...(r.supervisions ? { supervisions: r.supervisions } : {}),
  ...(r.outcome ? { outcome: r.outcome } : {}),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

/** One department's decisions in one month (F4), counted in the deciding transactions. */
export type DecisionStats = { month: string; deptCode: string; decided: number; onTime: number; usedWorkingDays: Record<number, number> };
/** C2: a month's filings of one item: materials the platform fetched, and those the applicants gave (uploaded or named). */
export type MaterialStats = { month: string; serviceItemCode: string; fetched: number; given: number };

export type DepartmentPerformance = {
  deptCode: string;
  /** Cases in processing (accepted or suspended) where the department has a part. */
  inProgress: number;
  /** Of those, how many the department's light shows yellow or red now. */
  yellow: number;
  red: number;
  /** Cases the department (as lead) decided, and how many within the promised limit. */
  decided: number;
  onTime: number;
  onTimeRate: number | null;
  medianWorkingDaysUsed: number | null;
  openSupervisions: number;
};

const IN_PROGRESS = new Set(['accepted', 'suspended']);
/** Waiting for the lead department's acceptance decision: its acceptance clock runs (D1). */
const AWAITING_ACCEPTANCE = new Set(['submitted']);

/** The median of a histogram {value: count}. */
export function medianOf(histogram: Record<number, number>): number | null {
  const values = Object.entries(histogram)
    .map(([v, n]) => [Number(v), n] as const)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a - b);
  const total = values.reduce((sum, [, n]) => sum + n, 0);
  if (!total) return null;
  const at = (k: number) => {
    let seen = 0;
    for (const [v, n] of values) if ((seen += n) > k) return v;
    return values.at(-1)![0];
  };
  return total % 2 ? at((total - 1) / 2) : (at(total / 2 - 1) + at(total / 2)) / 2;
}

/**
 * Electronic supervision's figures (F4): every case in processing by light, open supervisions,
 * and per department the yellow and red counts, and over the period the on-time rate and the
 * median working days used. `cases` are the watched cases (in processing or under supervision).
 */
export function supervisionReport(cases: readonly CaseSummary[], decisions: readonly DecisionStats[], today: string) {
  const depts = new Map<string, { inProgress: number; yellow: number; red: number; decided: number; used: Record<number, number>; onTime: number; openSupervisions: number }>();
  const dept = (code: string) => {
    let d = depts.get(code);
    if (!d) depts.set(code, (d = { inProgress: 0, yellow: 0, red: 0, decided: 0, used: {}, onTime: 0, openSupervisions: 0 }));
    return d;
  };
  for (const m of decisions) {
    const d = dept(m.deptCode);
    d.decided += m.decided;
    d.onTime += m.onTime;
    for (const [days, n] of Object.entries(m.usedWorkingDays)) d.used[Number(days)] = (d.used[Number(days)] ?? 0) + n;
  }
  const byLight: Record<Light, Array<{ caseId: string; supervisionCode: string; serviceItem: string; late: string[] }>> = { green: [], yellow: [], red: [] };
  const openSupervisions: Array<NonNullable<CaseRecord['supervisions']>[number] & { status: 'open'; caseId: string; overdue: boolean }> = [];
  for (const c of cases) {
    if (IN_PROGRESS.has(c.status) || AWAITING_ACCEPTANCE.has(c.status)) {
      const involved = AWAITING_ACCEPTANCE.has(c.status) ? [c.leadDepartment] : [c.leadDepartment, ...c.coDepartments];
      const lights = involved.map((code) => [code, c.lights?.[code]?.light ?? 'green'] as const);
      for (const [code, light] of lights) {
        const d = dept(code);
        d.inProgress += 1;
        if (light === 'yellow') d.yellow += 1;
        if (light === 'red') d.red += 1;
      }
      const worst: Light = lights.some(([, l]) => l === 'red') ? 'red' : lights.some(([, l]) => l === 'yellow') ? 'yellow' : 'green';
      byLight[worst].push({ caseId: c.caseId, supervisionCode: c.supervisionCode, serviceItem: c.serviceItem.name, late: lights.filter(([, l]) => l === 'red').map(([code]) => code) });
    }
    for (const s of c.supervisions ?? []) {
      if (s.status !== 'open') continue;
      dept(s.deptCode).openSupervisions += 1;
      // `status: s.status` (here 'open') so the entry's type says it is open, as the supervision view declares.
      openSupervisions.push({ ...s, status: s.status, caseId: c.caseId, overdue: today > s.respondBy });
    }
  }
  const departments: DepartmentPerformance[] = [...depts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([deptCode, d]) => ({
      deptCode,
      inProgress: d.inProgress,
      yellow: d.yellow,
      red: d.red,
      decided: d.decided,
      onTime: d.onTime,
      onTimeRate: d.decided ? Math.round((d.onTime / d.decided) * 1000) / 1000 : null,
      medianWorkingDaysUsed: medianOf(d.used),
      openSupervisions: d.openSupervisions,
    }));
  return {
    asOf: today,
    lights: { green: byLight.green.length, yellow: byLight.yellow.length, red: byLight.red.length },
    casesByLight: { yellow: byLight.yellow, red: byLight.red },
    openSupervisions: openSupervisions.sort((a, b) => a.respondBy.localeCompare(b.respondBy)),
    departments,
  };
}
