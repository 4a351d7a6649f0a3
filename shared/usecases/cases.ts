import type { z } from 'zod';
import { itemOf } from './catalog.ts';
import { FINAL_STATUSES, fileCase as fileCaseRecord, mismatchSentence, type DataMismatch, type Light, type SubmittedMaterial } from '../domain/case.ts';
import { isRecovering } from '../domain/workflow.ts';
import { makeSupervisionCode } from '../domain/supervision-code.ts';
import { acceptanceView } from '../domain/acceptance-clock.ts';
import { deadlineOf } from '../domain/deadline.ts';
import { clocksOf, lateDepartments } from '../domain/watch.ts';
import { ConcurrentModification, Forbidden, NotFound, RuleViolation, type FieldError } from '../errors.ts';
import { zodErrors } from '../schemas/validate.ts';
import type { Principal } from '../domain/principal.ts';
import { newId } from '../ids.ts';
import { logCaseChange } from '../log.ts';
import { DuplicateCompanion } from '../errors.ts';
import type { Companion } from '../ports/cases.ts';
import type { CaseListQuery, CreateCaseRequest } from '../schemas/api.ts';
import type { CaseSummary } from '../domain/performance.ts';
import { shanghaiDate, toShanghaiIso } from '../time.ts';
import { canSeeCase, holdersCertificate, requireCitizen } from './access.ts';
import type { Deps } from './deps.ts';
import { deliveriesFor, enqueue } from './deliveries.ts';
import { followUpOf } from './follow-ups.ts';
import { retrying } from './retry.ts';
import { SHOWN_TO_APPLICANT } from '../domain/actions/index.ts';
import { calendarOf } from './calendar.ts';
import { idempotencyOf, remember, replay } from './idempotency.ts';
import { pinForm } from './materials.ts';
import { checkMaterials, claimsOf } from './check-materials.ts';
import { maskedHolder, statusOf } from '../domain/certificate.ts';
import type { Certificate } from '../domain/records.ts';

type CreateCase = z.output<typeof CreateCaseRequest>;

/** The twin request's transaction may still be committing: give it a moment to finish. */
async function replayWhenDone(deps: Pick<Deps, 'idempotency'>, idem: Parameters<typeof replay>[1]) {
  for (let i = 0; i < 10; i++) {
    const first = await replay(deps, idem);
    if (first) return first;
    await new Promise((resolve) => setTimeout(resolve, 25 * (i + 1)));
  }
  return undefined;
}

type Filed = { status: 201; body: { caseId: string; supervisionCode: string; status: 'submitted'; warnings?: FieldError[] } };

/** C2: how a filing's materials came — fetched by the platform, or given by the applicant (generated ones are neither). */
function countByHow(materials: SubmittedMaterial[]): { fetched: number; given: number } {
  const fetched = materials.filter((m) => m.source === 'certificate_library' || m.source === 'shared_data').length;
  return { fetched, given: materials.filter((m) => m.source === 'upload' || m.source === 'certificate').length };
}

/** C4: what the applicant is told of the fields the shared records contradict (the case is flagged for the department). */
const warningsOf = (mismatches: DataMismatch[]): FieldError[] =>
  mismatches.map((m) => ({ path: `form.${m.field}`, message: mismatchSentence(m.label, m.dataset) }));

/** Filing: the guide, the materials and their files, what is fetched, the idempotency record, the supervision code, case time. */
export type FilingDeps = Pick<Deps, 'cases' | 'uploads' | 'certificates' | 'sharedData' | 'idempotency' | 'blobs' | 'clock' | 'realClock' | 'regionCode' | 'catalog'>;

export async function fileCase(deps: FilingDeps, principal: Principal | undefined, body: CreateCase, idempotencyKey?: string): Promise<Filed> {
  const applicant = requireCitizen(principal, 2, 'filing an application');
  const idem = idempotencyOf(`${applicant.sub}:POST /cases`, idempotencyKey, body);
  const previous = await replay(deps, idem);
  if (previous) return previous as Filed;

  const item = await itemOf(deps, body.serviceItemCode);
  if (!item) throw new RuleViolation('unknown service item', [{ path: 'serviceItemCode', message: `no service item "${body.serviceItemCode}"` }]);
  const form = item.form.safeParse(body.form);
  const { materials, errors, files, mismatches } = await checkMaterials(deps, applicant.sub, item, body.materials, { complete: true, form: form.data ?? body.form });
  const allErrors = [...(form.success ? [] : zodErrors(form.error, 'form')), ...errors];
  if (allErrors.length || !form.success) {
    // The same request racing itself may have filed meanwhile (and claimed the uploads): answer as it did.
    const first = await replay(deps, idem);
    if (first) return first as Filed;
    throw new RuleViolation('the application is not complete or not valid', allErrors);
  }

  const now = deps.clock.now();
  const caseId = newId(now);
  const serviceItem = { code: item.code, version: item.version, name: item.name };
  const filed = materials.map((m) => {
    if (m.source !== 'form') return m;
    const pinned = pinForm(deps, { caseId, serviceItem }, item.materials.find((s) => s.id === m.materialId)!, form.data, 1);
    files.push(pinned.file);
    return pinned.material;
  });
  // A supervision code another case drew the same day is drawn again.
  return retrying(async () => {
    const supervisionCode = makeSupervisionCode(deps.regionCode, shanghaiDate(now));
    const { record, event } = fileCaseRecord(
      {
        caseId,
        supervisionCode,
        serviceItem,
        limits: {
          acceptanceDays: item.acceptanceDays,
          promisedDays: item.promisedDays,
          statutoryDays: item.statutoryDays,
          ...(item.yellowDays ? { yellowDays: item.yellowDays } : {}),
          ...(item.opinionDays ? { opinionDays: item.opinionDays } : {}),
        },
        applicant: { id: applicant.sub, name: applicant.name, subjectType: applicant.subjectType },
        leadDepartment: item.department.code,
        coDepartments: item.coDepartments.map((d) => d.code),
        ...(item.supervisedBy?.length ? { supervisingDepartments: item.supervisedBy.map((d) => d.code) } : {}),
        form: form.data,
        materials: filed,
        ...(mismatches.length ? { dataMismatches: mismatches } : {}),
        ...(body.delivery ? { delivery: body.delivery } : {}),
        createdAt: toShanghaiIso(now),
      },
      { kind: 'applicant', id: applicant.sub, name: applicant.name },
    );
    const response: Filed = { status: 201, body: { caseId, supervisionCode, status: 'submitted' as const, ...(mismatches.length ? { warnings: warningsOf(mismatches) } : {}) } };
    const deliveries = deliveriesFor(deps, record, event);
    const companions: Companion[] = [
      ...enqueue(deliveries),
      { kind: 'reserveSupervisionCode', code: supervisionCode, caseId },
      { kind: 'countMaterials', caseId, serviceItemCode: item.code, month: record.createdAt.slice(0, 7), ...countByHow(filed) },
      ...claimsOf(filed, applicant.sub, caseId),
      { kind: 'registerWorkflow', caseId, since: deps.realClock.now().toISOString() },
      ...(idem ? [remember(deps, idem, response)] : []),
      // The workflow's start (its run is counted above: the sweep starts it if this is lost), the
      // pinned files, the webhooks and the acceptance clock's timers (D1), once answered.
      followUpOf(deps, { caseId, version: record.version, files, deliveries: deliveries.map((d) => d.deliveryId), startAttempt: 1 }),
    ];
    try {
      await deps.cases.commit({ record, event, expectedVersion: null, companions });
      logCaseChange(event);
    } catch (err) {
      // The same request racing itself: whoever wrote first answers for both.
      if (idem && (err instanceof ConcurrentModification || (err instanceof DuplicateCompanion && err.has('rememberResponse')))) {
        const first = await replayWhenDone(deps, idem);
        if (first) return first as Filed;
      }
      if (!(err instanceof DuplicateCompanion)) throw err;
      const claimed = err.has('claimUpload');
      if (claimed?.kind === 'claimUpload') {
        throw new RuleViolation('an upload was used by another case meanwhile', [{ path: 'materials', message: `upload ${claimed.uploadId} already belongs to another case` }]);
      }
      throw err;
    }
    return response;
  }, (err) => err instanceof DuplicateCompanion && !!err.has('reserveSupervisionCode'));
}

/** A case's view: the case and its trail, the calendar for its clocks, its certificates and workflow run. */
export type CaseViewDeps = Pick<Deps, 'cases' | 'workflowRuns' | 'certificates' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement'>;

export async function viewCase(deps: CaseViewDeps, principal: Principal | undefined, caseId: string) {
  const found = await deps.cases.getWithEvents(caseId);
  if (!found || !canSeeCase(principal, found.record)) throw new NotFound(`no case ${caseId}`);
  const { record, events } = found;
  const calendar = await calendarOf(deps);
  const today = shanghaiDate(deps.clock.now());
  const clocks = clocksOf(record, events, calendar, today);
  // The processing clock's dates, whichever clock the lead's light is on now (acceptanceClock has the other).
  const deadline = deadlineOf(events, calendar, today, record.limits);
  const [certificates, run] = await Promise.all([
    Promise.all(record.certificates.map((id) => deps.certificates.getCertificate(id))),
    // Staff and administrators see whether the case's workflow runs or is being recovered.
    principal?.kind === 'staff' && !FINAL_STATUSES.has(record.status) ? deps.workflowRuns.getWorkflowRun(caseId) : undefined,
  ]);
  return {
    caseId: record.caseId,
    supervisionCode: record.supervisionCode,
    serviceItem: record.serviceItem,
    status: record.status,
    applicant: { name: record.applicant.name, subjectType: record.applicant.subjectType },
    departments: { lead: record.leadDepartment, co: record.coDepartments },
    form: record.form,
    materials: record.materials.map((m) => ({
      materialId: m.materialId,
      source: m.source,
      ...('sha256' in m && m.sha256 ? { fileName: m.fileName, contentType: m.contentType, size: m.size, sha256: m.sha256 } : {}),
      ...(m.source === 'form' && m.formVersion ? { formVersion: m.formVersion } : {}),
      ...((m.source === 'certificate_library' || m.source === 'shared_data') && m.fetchedFrom ? { fetchedFrom: m.fetchedFrom, fetchedAt: m.fetchedAt, legalBasis: m.legalBasis } : {}),
    })),
    ...(record.dataMismatches?.length ? { dataMismatches: record.dataMismatches } : {}),
    ...(record.delivery ? { delivery: record.delivery } : {}),
    timeline: events.map((e) => ({
      at: e.at,
      type: e.type,
      actor: { kind: e.actor.kind, id: e.actor.id, ...(e.actor.kind === 'department' ? { via: e.actor.via, ...(e.actor.staffId ? { staffId: e.actor.staffId } : {}) } : {}) },
      ...(e.note ? { note: e.note } : {}),
      ...(e.data && SHOWN_TO_APPLICANT.has(e.type) ? { data: e.data } : {}),
      ...(e.documents ? { documents: e.documents } : {}),
    })),
    ...(record.supplementRequests.length ? { supplementRequest: record.supplementRequests.at(-1) } : {}),
    ...(record.coDepartments.length ? { opinions: record.opinions } : {}),
    ...(run && run.status !== 'done'
      ? { workflow: { status: isRecovering(run, deps.realClock.now()) ? ('recovering' as const) : ('running' as const), attempt: run.attempt, since: toShanghaiIso(new Date(run.since)), ...(run.reason ? { reason: run.reason } : {}) } }
      : {}),
    light: clocks[0]!.light,
    deadline,
    // E3: each co-department's clock for its opinion, and who is late.
    ...(record.coDepartments.length
      ? {
          clocks: clocks.map((c) => ({
            deptCode: c.deptCode,
            role: c.role,
            stage: c.stage,
            ...(c.deadline.promisedDue ? { due: c.deadline.promisedDue, remainingWorkingDays: c.deadline.remainingWorkingDays } : {}),
            light: c.light,
            running: c.running,
          })),
        }
      : {}),
    late: lateDepartments(clocks),
    ...(record.supervisions?.length ? { supervisions: record.supervisions } : {}),
    acceptanceClock: acceptanceView(events, calendar, today, record.limits.acceptanceDays),
    documents: record.documents.map((d) => ({ docId: d.docId, kind: d.kind, name: d.name, issuedAt: d.issuedAt })),
    certificates: certificates.flatMap((c) =>
      c ? [{ certificateId: c.certificateId, name: c.name, supervisionCode: c.supervisionCode, issuedAt: c.issuedAt, issuer: c.issuer.name }] : [],
    ),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/**
 * GET /cases: an applicant's own cases, newest first, or — for department staff — the work queue
 * of cases their department leads, by status then newest first, each with the department's own
 * light (F3, F4: real-time tracking). `?light=` filters the work queue.
 */
export async function listCases(deps: Pick<Deps, 'cases'>, principal: Principal | undefined, query: z.output<typeof CaseListQuery>) {
  const page = { limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}), ...(query.status ? { status: query.status } : {}) };
  let found;
  let lightFor: (c: CaseSummary) => Light;
  if (principal?.kind === 'citizen') {
    if (query.light) throw new RuleViolation('light filters a department’s work queue', [{ path: 'query.light', message: 'applicants filter by status only' }]);
    found = await deps.cases.listCases({ by: 'applicant', sub: principal.sub, ...page });
    lightFor = (c) => c.lights?.[c.leadDepartment]?.light ?? 'green';
  } else if (principal?.kind === 'staff' && principal.dept) {
    const dept = principal.dept;
    found = await deps.cases.listCases({ by: 'department', dept, ...(query.light ? { light: query.light } : {}), ...page });
    lightFor = (c) => c.lights?.[dept]?.light ?? 'green';
  } else {
    throw new Forbidden('the list is of your own cases, or of your department’s work queue');
  }
  return {
    items: found.items.map((c) => ({
      caseId: c.caseId,
      supervisionCode: c.supervisionCode,
      serviceItem: { code: c.serviceItem.code, name: c.serviceItem.name },
      status: c.status,
      light: lightFor(c),
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    })),
    nextCursor: found.nextCursor,
  };
}

/** A certificate as its holder sees it: the holder masked as on its QR, its status. */
function certificateView(cert: Certificate) {
  const { holder, revoked: _revoked, ...rest } = cert;
  return { ...rest, status: statusOf(cert), holder: maskedHolder(holder) };
}

export async function viewCertificate(deps: Pick<Deps, 'certificates'>, principal: Principal | undefined, certificateId: string) {
  return certificateView(await holdersCertificate(deps, principal, certificateId));
}

/** GET /certificates: the holder's e-certificates in the library (the 电子证照库 as they see it), newest first. */
export async function listCertificates(deps: Pick<Deps, 'certificates'>, principal: Principal | undefined) {
  const holder = requireCitizen(principal, 1, 'listing your certificates');
  return { items: (await deps.certificates.listHolderCertificates(holder.sub)).map(certificateView) };
}
