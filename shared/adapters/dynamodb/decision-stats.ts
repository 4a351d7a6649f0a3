import type { DecisionStats, MaterialStats } from '../../domain/performance.ts';
import type { DecisionStatsRepository } from '../../ports/records.ts';
import type { TableClient } from './client.ts';
import { shardKey, type Key } from './table.ts';

/**
 * STATS · <yyyy-mm>#<dept>: counters (decided, onTime, used_<n>) added in the deciding transaction.
 * One partition: its writes are decisions, which staff make (far below the ~1,000 a second a partition takes).
 */
const STATS = 'STATS';
export const decisionStatsKey = (month: string, deptCode: string): Key => ({ pk: STATS, sk: `${month}#${deptCode}` });
const USED = 'used_';
/** The counter of decisions that took `days` working days. */
export const usedDaysAttribute = (days: number) => `${USED}${days}`;

/**
 * MATERIAL_STATS · <yyyy-mm>#<item>#<n>: C2's counters (fetched, given), added in each filing's
 * transaction — on one of several rows, by the case's id, so that filings of one item at the same
 * moment do not update one item (DynamoDB cancels transactions that meet on an item); read summed.
 */
const MATERIAL_STATS = 'MATERIAL_STATS';
export const materialStatsKey = (month: string, serviceItemCode: string, caseId: string): Key => ({ pk: MATERIAL_STATS, sk: `${month}#${shardKey(serviceItemCode, caseId)}` });

export class DynamoDecisionStats implements DecisionStatsRepository {
  async listMaterialStats(fromMonth: string, toMonth: string): Promise<MaterialStats[]> {
    const rows = await this.table.queryAll({ partition: MATERIAL_STATS, sk: { between: [`${fromMonth}#`, `${toMonth}#~`] } });
    const sums = new Map<string, MaterialStats>();
    for (const i of rows) {
      const key = `${String(i.month)}#${String(i.serviceItemCode)}`;
      const sum = sums.get(key) ?? { month: String(i.month), serviceItemCode: String(i.serviceItemCode), fetched: 0, given: 0 };
      sums.set(key, { ...sum, fetched: sum.fetched + Number(i.fetched ?? 0), given: sum.given + Number(i.given ?? 0) });
    }
    return [...sums.values()];
  }

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
