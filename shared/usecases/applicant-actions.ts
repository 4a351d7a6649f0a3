import type { z } from 'zod';
import { findItem } from '../catalog/index.ts';
import { IllegalTransition, NotFound, RuleViolation } from '../errors.ts';
import type { Principal } from '../domain/principal.ts';
import type { SupplementRequest, WithdrawRequest } from '../schemas/api.ts';
import { requireCitizen } from './access.ts';
import { actOnCase, caseFor, type CaseActionDeps } from './case-actions.ts';
import { checkMaterials, claimsOf } from './check-materials.ts';
import { pinForm } from './materials.ts';
import { zodErrors } from '../schemas/validate.ts';
import type { Deps } from './deps.ts';

const applicantOf = (p: Principal | undefined) => {
  const citizen = requireCitizen(p, 0, 'answering for a case');
  return { kind: 'applicant' as const, id: citizen.sub, name: citizen.name };
};

/** A supplement: its materials checked and pinned, then a case action. */
export type SupplementDeps = Pick<Deps, 'cases' | 'uploads' | 'certificates' | 'sharedData' | 'blobs' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

/** POST /cases/{caseId}/supplements: the one answer to the supplement notice, with every material it asked for. */
export async function supplementCase(deps: SupplementDeps, principal: Principal | undefined, caseId: string, body: z.output<typeof SupplementRequest>) {
  const actor = applicantOf(principal);
  const record = await caseFor(deps, actor, caseId);
  const request = record.supplementRequests.at(-1);
  if (record.status !== 'awaiting_supplement' || !request) {
    throw new IllegalTransition(`a case in status "${record.status}" is not waiting for materials`);
  }
  const item = findItem(record.serviceItem.code);
  if (!item) throw new NotFound(`service item ${record.serviceItem.code} is gone`);
  const asked = new Set(request.items.map((i) => i.materialId));
  const formSpec = item.materials.find((m) => m.fromForm && asked.has(m.id));
  const { materials, errors, files } = await checkMaterials(deps, actor.id, item, body.materials, { complete: false });
  body.materials.forEach((m, i) => {
    if (!asked.has(m.materialId)) errors.push({ path: `materials.${i}.materialId`, message: `"${m.materialId}" was not asked for` });
  });
  for (const id of asked) {
    if (id !== formSpec?.id && !body.materials.some((m) => m.materialId === id)) errors.push({ path: 'materials', message: `"${id}" was asked for and is missing` });
  }
  // A request naming the application form (generated from the online form) is answered with the corrected form.
  let form: { data: Record<string, unknown> } | undefined;
  if (formSpec && body.form === undefined) errors.push({ path: 'form', message: `"${formSpec.id}" (${formSpec.name}) was asked for: send the corrected form` });
  if (!formSpec && body.form !== undefined) errors.push({ path: 'form', message: 'the request did not name the application form; the form cannot be changed' });
  if (formSpec && body.form !== undefined) {
    const parsed = item.form.safeParse(body.form);
    if (parsed.success) form = { data: parsed.data };
    else errors.push(...zodErrors(parsed.error, 'form'));
  }
  if (errors.length) throw new RuleViolation('the supplement does not answer the request', errors);
  if (form && formSpec) {
    const previous = record.materials.find((m) => m.materialId === formSpec.id);
    const version = (previous?.source === 'form' ? (previous.formVersion ?? 1) : 0) + 1;
    const pinned = pinForm(deps, record, formSpec, form.data, version);
    materials.push(pinned.material);
    files.push(pinned.file);
  }
  const { record: next } = await actOnCase(
    deps,
    actor,
    {
      caseId,
      command: { type: 'supplement', materials, ...(form ? { form: form.data } : {}), ...(body.note ? { note: body.note } : {}) },
      ...(body.note ? { note: body.note } : {}),
    },
    { companions: claimsOf(materials, actor.id, caseId), files },
  );
  return { caseId, status: next.status };
}

/** POST /cases/{caseId}/withdraw: the applicant takes the application back before a decision. */
export async function withdrawCase(deps: CaseActionDeps, principal: Principal | undefined, caseId: string, body: z.output<typeof WithdrawRequest>) {
  const actor = applicantOf(principal);
  const { record } = await actOnCase(deps, actor, { caseId, command: { type: 'withdraw', ...(body.reason ? { reason: body.reason } : {}) }, ...(body.reason ? { note: body.reason } : {}) });
  return { caseId, status: record.status };
}
