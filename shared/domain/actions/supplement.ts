import type { SubmittedMaterial } from '../case.ts';
import { defineAction } from './define.ts';

/** `form`: a corrected application form, when the request named the material generated from it. */
export type SupplementCommand = { type: 'supplement'; materials: SubmittedMaterial[]; form?: Record<string, unknown>; note?: string };

/** The applicant's one answer to the supplement notice (D2): the case goes back to the department. */
export const supplement = defineAction<SupplementCommand>()({
  command: 'supplement',
  event: 'case.supplemented',
  from: ['awaiting_supplement'],
  to: 'submitted',
  by: 'applicant',
  apply: (record, command, _actor, at) => {
    const supplied = new Set(command.materials.map((m) => m.materialId));
    const last = record.supplementRequests.at(-1)!;
    return {
      materials: [...record.materials.filter((m) => !supplied.has(m.materialId)), ...command.materials],
      ...(command.form !== undefined ? { form: command.form } : {}),
      supplementRequests: [...record.supplementRequests.slice(0, -1), { ...last, answer: { at, materialIds: [...supplied], ...(command.note ? { note: command.note } : {}) } }],
    };
  },
  // Supplied materials are on the case already; the event keeps which ones, with their digests (and the form's new version).
  eventData: (command) => ({
    materialIds: command.materials.map((m) => m.materialId),
    files: command.materials.flatMap((m) =>
      'sha256' in m && m.sha256 ? [{ materialId: m.materialId, sha256: m.sha256, ...(m.source === 'form' ? { formVersion: m.formVersion } : {}) }] : [],
    ),
  }),
  outbound: (record) => [{ deptCode: record.leadDepartment, type: 'case.supplemented' }],
});
