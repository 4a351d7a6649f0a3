import { CASE_STATUSES } from '../case-statuses.ts';
import { defineAction } from './define.ts';

export type OpenMaterialCommand = { type: 'open_material'; materialId: string };

/** Who looked at the applicant's file: a material was opened (any status, by its owner or its departments). */
export const openMaterial = defineAction<OpenMaterialCommand>()({
  command: 'open_material',
  event: 'case.material_opened',
  from: CASE_STATUSES,
  by: ['applicant', 'department'],
  who: 'any',
  toApplicant: true,
});
