import { supervisionReport, type MaterialStats } from '../domain/performance.ts';
import { findItem } from '../catalog/index.ts';
import { isRecovering } from '../domain/workflow.ts';
import type { Principal } from '../domain/principal.ts';
import { shanghaiDate, toShanghaiIso } from '../time.ts';
import { requireAdmin } from './access.ts';
import type { Deps } from './deps.ts';
import { loadDepartment } from './departments.ts';

/** The on-time rate and median working days cover the current month and the eleven before it. */
const PERIOD_MONTHS = 12;

function monthsBack(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y!, m! - 1 - n, 1));
  return d.toISOString().slice(0, 7);
}

/** C2, per item over the period: materials the platform fetched instead of asking for them, and those the applicants gave. */
function materialsByItem(stats: MaterialStats[]) {
  const byItem = new Map<string, { fetched: number; given: number }>();
  for (const s of stats) {
    const sum = byItem.get(s.serviceItemCode) ?? { fetched: 0, given: 0 };
    byItem.set(s.serviceItemCode, { fetched: sum.fetched + s.fetched, given: sum.given + s.given });
  }
  return [...byItem].sort(([a], [b]) => a.localeCompare(b)).map(([serviceItemCode, sum]) => ({ serviceItemCode, name: findItem(serviceItemCode)?.name ?? serviceItemCode, ...sum }));
}

/** The overview: watched cases, decision counters, workflows being recovered, department names. */
export type SupervisionDeps = Pick<Deps, 'cases' | 'workflowRuns' | 'stats' | 'departments' | 'clock' | 'realClock'>;

/**
 * GET /admin/supervision (F4): cases by light, open supervision cases, and each department's
 * yellow and red counts and open supervisions now, and its on-time rate and median working days
 * used over the last twelve months. Reads only the watched cases (a sparse index) and the monthly
 * decision counters, never the whole table.
 */
export async function supervisionOverview(deps: SupervisionDeps, principal: Principal | undefined) {
  requireAdmin(principal);
  const today = shanghaiDate(deps.clock.now());
  const period = { from: monthsBack(today.slice(0, 7), PERIOD_MONTHS - 1), to: today.slice(0, 7) };
  const [watched, decisions, runs, materialStats] = await Promise.all([
    deps.cases.listWatchedAll(),
    deps.stats.listDecisionStats(period.from, period.to),
    deps.workflowRuns.listWorkflowsToRecover(),
    deps.stats.listMaterialStats(period.from, period.to),
  ]);
  const report = { period, ...supervisionReport(watched, decisions, today) };
  const recoveringWorkflows = runs.filter((r) => isRecovering(r, deps.realClock.now())).map((r) => ({ caseId: r.caseId, attempt: r.attempt, since: toShanghaiIso(new Date(r.since)), status: r.status, ...(r.reason ? { reason: r.reason } : {}) }));
  const departments = await Promise.all(
    report.departments.map(async (d) => {
      const name = (await loadDepartment(deps, d.deptCode))?.dept.name;
      const { deptCode, ...figures } = d;
      return { deptCode, ...(name ? { name } : {}), ...figures };
    }),
  );
  return { ...report, recoveringWorkflows, departments, materials: materialsByItem(materialStats) };
}
