import { supervisionReport } from '../domain/performance.ts';
import type { Principal } from '../http/principal.ts';
import { shanghaiDate } from '../time.ts';
import { requireAdmin } from './access.ts';
import type { Deps } from './deps.ts';
import { loadDepartment } from './departments.ts';

/**
 * GET /admin/supervision (F4): cases by light, open supervision cases, and each department's
 * on-time rate, yellow and red counts, median working days used and open supervisions.
 */
export async function supervisionOverview(deps: Deps, principal: Principal | undefined) {
  requireAdmin(principal);
  const report = supervisionReport(await deps.cases.listCaseSummaries(), shanghaiDate(deps.clock.now()));
  const departments = await Promise.all(
    report.departments.map(async (d) => {
      const name = (await loadDepartment(deps, d.deptCode))?.dept.name;
      const { deptCode, ...figures } = d;
      return { deptCode, ...(name ? { name } : {}), ...figures };
    }),
  );
  return { ...report, departments };
}
