import { z } from 'zod';
import { findItem } from '../catalog/index.ts';
import { decide } from '../domain/case.ts';
import { ConcurrentModification, NotFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Certificate } from '../ports/index.ts';
import { CASE_STATUSES } from '../domain/case.ts';
import { validate } from '../schemas/validate.ts';
import { toShanghaiIso } from '../time.ts';
import type { Deps } from './deps.ts';

/**
 * The work the case state machine's Task states do (statemachines/case.asl.json). The same code
 * runs in the Lambda and, locally, inside aws-local-stepfunctions.
 */
export const WorkflowTask = z.discriminatedUnion('action', [
  z.object({ action: z.literal('load'), caseId: z.string() }).strict(),
  z
    .object({
      action: z.literal('await'),
      caseId: z.string(),
      stage: z.string(),
      whileStatus: z.array(z.enum(CASE_STATUSES)).min(1),
      taskToken: z.string().min(1),
    })
    .strict(),
  z.object({ action: z.literal('issueCertificate'), caseId: z.string() }).strict(),
]);
export type WorkflowTask = z.infer<typeof WorkflowTask>;

const system = { kind: 'system' as const, id: 'workflow' as const };

export async function runWorkflowTask(deps: Deps, input: unknown): Promise<Record<string, unknown>> {
  const task = validate(WorkflowTask, input, '', 'the workflow task');
  switch (task.action) {
    case 'load': {
      const record = await deps.cases.get(task.caseId);
      if (!record) throw new NotFound(`no case ${task.caseId}`);
      return { status: record.status, version: record.version };
    }
    case 'await': {
      // Register the token only while the case still waits in this stage. If the action already
      // happened (it raced us, or the workflow was restarted), go straight on.
      const waiting = await deps.cases.saveWait(task.caseId, { stage: task.stage, token: task.taskToken }, task.whileStatus);
      if (!waiting) await deps.workflow.resume(task.taskToken, { event: 'already-moved-on' });
      return { waiting };
    }
    case 'issueCertificate':
      return issueCertificate(deps, task.caseId);
  }
}

/** Approved → the certificate goes into the library, then the case completes (G1: in that order, atomically). */
async function issueCertificate(deps: Deps, caseId: string): Promise<Record<string, unknown>> {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const found = await deps.cases.getWithEvents(caseId);
    if (!found) throw new NotFound(`no case ${caseId}`);
    const { record, events } = found;
    if (record.status !== 'approved') return { status: record.status };
    const item = findItem(record.serviceItem.code);
    if (!item) throw new NotFound(`service item ${record.serviceItem.code} is gone`);
    const approval = [...events].reverse().find((e) => e.type === 'case.approved');
    const given = (approval?.data?.certificate as { summary?: Record<string, unknown> } | undefined)?.summary ?? {};
    const now = deps.clock.now();
    const certificate: Certificate = {
      certificateId: newId(now),
      caseId,
      supervisionCode: record.supervisionCode,
      type: item.result.type,
      name: item.result.name,
      holder: { id: record.applicant.id, name: record.applicant.name },
      issuer: item.department,
      issuedAt: toShanghaiIso(now),
      summary: { serviceItem: item.name, ...given },
    };
    const { record: next, event } = decide(record, { type: 'complete', certificateId: certificate.certificateId }, system, certificate.issuedAt);
    try {
      await deps.cases.commit({ record: next, event, expectedVersion: record.version, companions: [{ kind: 'putCertificate', certificate }] });
      return { status: next.status, certificateId: certificate.certificateId };
    } catch (err) {
      if (err instanceof ConcurrentModification) continue;
      throw err;
    }
  }
  throw new ConcurrentModification(`case ${caseId} kept changing while its certificate was issued`);
}
