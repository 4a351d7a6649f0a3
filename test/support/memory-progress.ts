import type { AuditEvent, CaseRecord } from '#shared/domain/case.ts';
import { progressOf } from '#shared/domain/progress.ts';
import type { ProgressRepository } from '#shared/ports/records.ts';

/** Cases' public progress (H1) in memory, as the steps' transactions keep it, from the table's cases and trails. */
export function memoryProgress(cases: Map<string, CaseRecord>, events: Map<string, AuditEvent[]>): ProgressRepository {
  const missesOf = new Map<string, Record<string, number>>();
  return {
    getProgress: async (code) => {
      const record = [...cases.values()].find((c) => c.supervisionCode === code);
      return record && structuredClone({ ...progressOf(record, events.get(record.caseId) ?? []), misses: { ...missesOf.get(code) } });
    },
    recordMiss: async (code, day) => {
      const misses = missesOf.get(code) ?? {};
      missesOf.set(code, { ...misses, [day]: (misses[day] ?? 0) + 1 });
    },
  };
}
