import { randomInt } from 'node:crypto';
import * as z from 'zod';
import { findItem } from '../catalog/index.ts';
import { pendingOpinions } from '../domain/actions/approve.ts';
import type { AuditEvent } from '../domain/case.ts';
import { isWaitOver, type Wait } from '../domain/workflow.ts';
import { NotFound } from '../errors.ts';
import { retrying } from './retry.ts';
import { newId } from '../ids.ts';
import type { Certificate } from '../domain/records.ts';
import { CERTIFICATE_JWS_TYPE, certificateClaims, certificateDocument, certificateDocumentKey, verificationOf } from '../domain/certificate.ts';
import { commitSystemStep } from './case-actions.ts';
import { signCompact } from '../domain/jws.ts';
import { CASE_STATUSES } from '../domain/case.ts';
import { validate } from '../schemas/validate.ts';
import { toShanghaiIso } from '../time.ts';
import type { Deps } from './deps.ts';
import { recordWorkflowStop } from './reconcile.ts';

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
      dept: z.string().optional(),
      taskToken: z.string().min(1),
    })
    .strict(),
  z.object({ action: z.literal('issueCertificate'), caseId: z.string() }).strict(),
  z
    .object({
      action: z.literal('recordStop'),
      caseId: z.string(),
      execution: z.string().min(1),
      // What a Catch puts at its ResultPath.
      error: z.object({ Error: z.string(), Cause: z.string().optional() }),
    })
    .strict(),
]);
export type WorkflowTask = z.infer<typeof WorkflowTask>;

/** The workflow's tasks: the case and its waits, the certificate, a stop recorded on the run. */
export type WorkflowTaskDeps = Pick<Deps, 'cases' | 'workflowRuns' | 'workflow' | 'clock' | 'realClock' | 'signer'>;

export async function runWorkflowTask(deps: WorkflowTaskDeps, input: unknown): Promise<Record<string, unknown>> {
  const task = validate(WorkflowTask, input, '', 'the workflow task');
  switch (task.action) {
    case 'load': {
      const record = await deps.cases.get(task.caseId);
      if (!record) throw new NotFound(`no case ${task.caseId}`);
      return { status: record.status, pendingOpinions: pendingOpinions(record) };
    }
    case 'await': {
      // Register first, then look: if the awaited action already happened (it raced us, or the
      // workflow was started again after a restart), go straight on. The acting side looks at the
      // waits after its commit, so between the two nobody's wake-up is lost.
      const { action: _a, caseId, taskToken, ...rest } = task;
      const wait: Wait = { ...rest, token: taskToken };
      await deps.cases.saveWait(caseId, wait);
      const record = await deps.cases.get(caseId);
      if (!record || isWaitOver(record, wait)) {
        await deps.workflow.resume(taskToken, { status: record?.status ?? 'gone' });
        await deps.cases.deleteWait(caseId, wait);
      }
      return { registered: true };
    }
    case 'issueCertificate':
      return issueCertificate(deps, task.caseId);
    case 'recordStop':
      return recordWorkflowStop(deps, task.execution, { error: task.error.Error, ...(task.error.Cause ? { cause: task.error.Cause } : {}) });
  }
}

/**
 * Approved → the case completes with its certificates in the library and the applicant's SMS queued
 * (G1): one transaction, so neither is ever without the other. A joint item's results — its own and
 * each co-department's (G3) — are released together, in that same transaction.
 */
async function issueCertificate(deps: Pick<Deps, 'cases' | 'clock' | 'signer'>, caseId: string): Promise<Record<string, unknown>> {
  return retrying(async () => {
    const found = await deps.cases.getWithEvents(caseId);
    if (!found) throw new NotFound(`no case ${caseId}`);
    const { record, events } = found;
    if (record.status !== 'approved') return { status: record.status };
    const item = findItem(record.serviceItem.code);
    if (!item) throw new NotFound(`service item ${record.serviceItem.code} is gone`);
    const approval = events.findLast((e): e is Extract<AuditEvent, { type: 'case.approved' }> => e.type === 'case.approved');
    if (!approval) throw new NotFound(`case ${caseId} is approved but its approval is not in its trail`);
    const given = approval.data?.certificate?.summary ?? {};
    const now = deps.clock.now();
    const issuedAt = toShanghaiIso(now);
    const results = [{ ...item.result, issuer: item.department, summary: given }, ...(item.jointResults ?? []).map((r) => ({ ...r, summary: {} }))];
    // Signed before the transaction: a retry signs its own (new ids), and only the committed ones are kept.
    const certificates = await Promise.all(
      results.map(async (r) => {
        const unsigned = {
          certificateId: newId(now),
          caseId,
          supervisionCode: record.supervisionCode,
          type: r.type,
          name: r.name,
          holder: { id: record.applicant.id, name: record.applicant.name },
          issuer: r.issuer,
          issuedAt,
          summary: { serviceItem: record.serviceItem.name, ...r.summary },
          guideVersion: record.serviceItem.version,
          decisionEventHash: approval.hash,
        };
        return { ...unsigned, qr: await signCompact(deps.signer, certificateClaims(unsigned), CERTIFICATE_JWS_TYPE), status: 'valid' } satisfies Certificate;
      }),
    );
    // G4: a paper result to be picked up gets its code with the completion.
    const pickupCode = record.delivery?.method === 'pickup' ? String(randomInt(0, 1_000_000)).padStart(6, '0') : undefined;
    const published = certificates.map(verificationOf);
    const completion = { type: 'complete' as const, certificates: published, ...(pickupCode ? { pickupCode } : {}) };
    // Their PDFs, with their QR codes, are rendered by the completion's follow-up (the function that renders PDFs).
    const pdfs = certificates.map((c) => ({ kind: 'notice' as const, objectKey: certificateDocumentKey(c.certificateId), deptCode: c.issuer.code, notice: certificateDocument(c) }));
    const { record: next } = await commitSystemStep(deps, record, completion, issuedAt, {
      companions: certificates.flatMap((certificate, i) => [
        { kind: 'putCertificate' as const, certificate },
        { kind: 'publishCertificate' as const, verification: published[i]! },
      ]),
      followUp: { files: pdfs, archive: true, ...(record.delivery?.method === 'mail' ? { dispatch: true as const } : {}) },
    });
    return { status: next.status, certificateIds: certificates.map((c) => c.certificateId) };
  });
}
