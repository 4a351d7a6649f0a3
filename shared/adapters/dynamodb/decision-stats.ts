import type { DecisionStats } from '../../domain/performance.ts';
import type { DecisionStatsRepository } from '../../ports/records.ts';
import type { TableClient } from './client.ts';
import type { Key } from './table.ts';

/**
 * STATS · <yyyy-mm>#<dept>: counters (decided, onTime, used_<n>) added in the deciding transaction.
 * One partition: its writes are decisions, which staff make (far below the ~1,000 a second a partition takes).
 */
const STATS = 'STATS';
export const decisionStatsKey = (month: string, deptCode: string): Key => ({ pk: STATS, sk: `${month}#${deptCode}` });
const USED = 'used_';
/** The counter of decisions that took `days` working days. */
export const usedDaysAttribute = (days: number) => `${USED}${days}`;

export class DynamoDecisionStats implements DecisionStatsRepository {
  constructor(private readonly table: TableClient) {}

  async listDecisionStats(fromMonth: string, toMonth: string): Promise<DecisionStats[]> {
    const rows = await this.table.queryAll({ partition: STATS, sk: { between: [`${fromMonth}#`, `${toMonth}#~`] } });
    return rows.map((i) => {
      const usedWorkingDays: Record<number, number> = {};
      for (const [k, v] of Object.entries(i)) if (k.startsWith(USED)) usedWorkingDays[Number(k.slice(USED.length))] = Number(v);
      return { month: String(i.month), deptCode: String(i.deptCode), decided: Number(i.decided ?? 0), onTime: Number(i.onTime ?? 0), usedWorkingDays };
    });
  }
}
