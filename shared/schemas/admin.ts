import * as z from 'zod';
import { isoTime, ulid } from './fields.ts';

/**
 * The administrators' bodies (api.md "Administration"): supervision figures, departments and their
 * webhook secrets, dead letters, the official calendar, guide revisions; and the local runtime's
 * own (tokens, the clock). Part of the contract with shared/schemas/api.ts, which re-exports them.
 */

const CaseRef = z.object({ caseId: ulid, supervisionCode: z.string(), serviceItem: z.string(), late: z.array(z.string()) });
export const SupervisionOverview = z.object({
  asOf: z.string().describe('the Shanghai date the figures are for'),
  period: z.object({ from: z.string(), to: z.string() }).describe('the months (yyyy-mm) the decision figures cover'),
  lights: z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int() }).describe('cases in processing by their worst light'),
  casesByLight: z.object({ yellow: z.array(CaseRef), red: z.array(CaseRef) }),
  openSupervisions: z.array(
    z.object({
      supervisionId: z.string(),
      caseId: ulid,
      deptCode: z.string(),
      stage: z.enum(['acceptance', 'processing']).optional(),
      openedOn: z.string(),
      respondBy: z.string(),
      level: z.number().int(),
      status: z.literal('open'),
      escalatedOn: z.string().optional(),
      overdue: z.boolean(),
    }),
  ),
  recoveringWorkflows: z
    .array(z.object({ caseId: ulid, attempt: z.number().int(), since: isoTime, status: z.string(), reason: z.object({ error: z.string(), cause: z.string().optional() }).optional() }))
    .describe('cases whose workflow is being recovered (stopped, or not started): the sweep starts them again'),
  departments: z.array(
    z.object({
      deptCode: z.string(),
      name: z.string().optional(),
      inProgress: z.number().int(),
      yellow: z.number().int(),
      red: z.number().int(),
      decided: z.number().int(),
      onTime: z.number().int(),
      onTimeRate: z.number().nullable(),
      medianWorkingDaysUsed: z.number().nullable(),
      openSupervisions: z.number().int(),
    }),
  ),
  materials: z
    .array(z.object({ serviceItemCode: z.string(), name: z.string(), fetched: z.number().int(), given: z.number().int() }))
    .describe('C2, per item over the period: materials the platform fetched instead of asking for them, and those the applicants gave (uploaded or named)'),
});

const deptCode = z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'lower-case letters, digits and hyphens, 2–40 characters');

/**
 * Outbound webhooks are only delivered over HTTPS, except to loopback, which only the local runtime
 * can reach; the full SSRF policy (private and link-local ranges) is applied when delivering.
 */
const webhookUrl = z
  .url({ protocol: /^https?$/ })
  .refine((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  }, 'webhook URL must use https');

export const CreateDepartmentRequest = z.object({ code: deptCode, name: z.string().trim().min(2).max(60), webhookUrl }).strict();
export const UpdateDepartmentRequest = z.object({ name: z.string().trim().min(2).max(60).optional(), webhookUrl }).strict();
export const DepartmentView = z.object({ code: z.string(), name: z.string(), webhookUrl: z.string().optional() });
export const DepartmentSecretResponse = DepartmentView.extend({
  secret: z.string().describe('Standard Webhooks secret (whsec_…); shown only once'),
});

const attempts = {
  deliveryId: z.string(),
  occurredAt: isoTime,
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number().int(),
  nextAttemptAt: isoTime.optional(),
  lastError: z.string().optional(),
  deliveredAt: isoTime.optional(),
  deadAt: isoTime.optional(),
};
/** An outbound delivery: a webhook to a department, or an SMS to an applicant (its number masked). */
export const DeliveryView = z.discriminatedUnion('channel', [
  z.object({ channel: z.literal('webhook'), deptCode: z.string(), type: z.string(), data: z.record(z.string(), z.unknown()), ...attempts }),
  z.object({
    channel: z.literal('sms'),
    to: z.string().describe('the applicant’s account'),
    phoneMasked: z.string().describe('the number it goes to, e.g. 138****8877'),
    caseId: z.string(),
    template: z.string(),
    text: z.string(),
    ...attempts,
  }),
]);
export const DeadLetterList = z.object({ items: z.array(DeliveryView), nextCursor: z.string().nullable() });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
export const CalendarYearRequest = z
  .object({
    holidays: z.array(isoDate).min(1, 'a year has official holidays').max(60).describe('official holidays, including the weekend days inside them'),
    workdays: z.array(isoDate).max(20).default([]).describe('weekend days that are official working days (调休)'),
  })
  .strict();
const workingDays = (max: number) => z.number().int().min(1).max(max);
export const PublishGuideRequest = z
  .object({
    name: z.string().trim().min(2).max(100).optional(),
    promisedDays: workingDays(365).optional().describe('承诺时限, working days; never above the statutory limit'),
    statutoryDays: workingDays(365).optional().describe('法定时限, working days'),
    acceptanceDays: workingDays(30).optional(),
    yellowDays: workingDays(365).optional().describe('yellow light from this many promised working days left (default 20 %, at least 1)'),
    opinionDays: workingDays(365).optional().describe('joint items: each co-department’s limit for its opinion'),
    acceptanceConditions: z.array(z.string().trim().min(2).max(500)).min(1).max(30).optional(),
    legalBasis: z.array(z.string().trim().min(2).max(500)).min(1).max(30).optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'change at least one field of the guide');

const ArchiveFile = z.object({ path: z.string(), sha256: z.string(), size: z.number().int() });
export const ArchiveView = z.object({
  caseId: ulid,
  supervisionCode: z.string(),
  archivedAt: isoTime,
  guideVersion: z.number().int(),
  chainHead: z.string().describe('the hash of the last audit event in the package (the completion)'),
  retainUntil: z.string().describe('kept unchanged until then (S3 Object Lock, COMPLIANCE mode, in AWS)'),
  files: z.array(ArchiveFile.extend({ url: z.string().describe('a short-lived download (AWS); a file: URL locally') })),
});
export const ArchiveCheck = z.object({
  caseId: ulid,
  checkedAt: isoTime,
  intact: z.boolean(),
  checked: z.number().int().describe('how many files were read back and hashed'),
  differences: z.array(z.object({ path: z.string(), problem: z.enum(['missing', 'changed', 'not in manifest']), expected: z.string().optional(), actual: z.string().optional() })),
});
export const CalendarYear = z.object({ year: z.number().int(), holidays: z.array(z.string()), workdays: z.array(z.string()), source: z.string() });
export const DevTokenRequest = z
  .object({
    sub: z.string().min(1).max(64),
    name: z.string().min(1).max(60),
    subjectType: z.enum(['person', 'company', 'organisation']).default('person'),
    authLevel: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(2),
    dept: z.string().max(40).optional(),
    roles: z.array(z.enum(['reviewer', 'approver', 'dept_admin', 'admin'])).max(4).optional(),
  })
  .strict();
export const DevClockRequest = z.union([
  z.object({ advance: z.string().describe('ISO 8601 duration, e.g. PT72H or P3D') }).strict(),
  z.object({ set: z.string().datetime({ offset: true }).describe('ISO 8601 time with offset') }).strict(),
]);
export const DevClockResponse = z.object({ now: isoTime });
export const DevTokenResponse = z.object({ token: z.string(), expiresAt: isoTime });
export const DevSharedDataRequest = z
  .object({
    subject: z.string().min(1).max(64).describe('the applicant’s account (sub)'),
    materialId: z.string().min(1).max(80).describe('the guide’s material the record answers for, e.g. id-card'),
    record: z
      .record(z.string().max(64), z.unknown())
      .refine((r) => Buffer.byteLength(JSON.stringify(r), 'utf8') <= 16 * 1024, 'at most 16 KiB as JSON')
      .describe('the record’s fields, e.g. {name, idNumber}'),
    updatedAt: z.string().max(40).optional().describe('when it was last updated on the shared-data platform'),
  })
  .strict();
export const DevOutboxQuery = z.object({ to: z.string().min(1).max(64).optional().describe('the applicant’s account (sub); all messages without it') }).strict();
export const DevOutbox = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      to: z.string(),
      phone: z.string(),
      caseId: z.string(),
      template: z.string().describe('the event the SMS reports, e.g. case.accepted'),
      text: z.string(),
      sentAt: isoTime,
    }),
  ),
});
