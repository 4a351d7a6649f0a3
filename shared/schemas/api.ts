import * as z from 'zod';
import { DepartmentRef, isoTime, nestsDeeperThan, note, ulid } from './fields.ts';
import { INBOUND_ACTIONS } from '../domain/actions/index.ts';
import { CASE_STATUSES } from '../domain/case.ts';

/**
 * The HTTP contract's bodies (api.md). Objects are strict: an unknown field is an error, which
 * catches typos in clients instead of silently ignoring them.
 */

export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
export const ALLOWED_UPLOAD_TYPES = ['application/pdf', 'image/jpeg', 'image/png', 'application/ofd'] as const;


export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional().describe('the path the problem occurred on'),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

/** This document (GET /openapi.json), loosely: an OpenAPI 3.1 object. */
export const OpenApiDocument = z.object({ openapi: z.literal('3.1.0') }).loose();

export const Health = z.object({ status: z.literal('ok') });

export const PageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(1000).optional(),
  })
  .strict();

export const CaseListQuery = PageQuery.extend({
  status: z.enum(CASE_STATUSES).optional(),
  light: z.enum(['green', 'yellow', 'red']).optional().describe('department staff: their own light on the case'),
}).strict();
export const CaseListItem = z.object({
  caseId: z.string(),
  supervisionCode: z.string(),
  serviceItem: z.object({ code: z.string(), name: z.string() }),
  status: z.enum(CASE_STATUSES),
  light: z.enum(['green', 'yellow', 'red']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export const CaseList = z.object({ items: z.array(CaseListItem), nextCursor: z.string().nullable() });

export const ServiceItemQuery = PageQuery.extend({ q: z.string().trim().max(50).optional() }).strict();

export const ServiceItemSummary = z.object({
  code: z.string(),
  name: z.string(),
  department: z.string(),
  itemType: z.enum(['licensing', 'confirmation', 'benefit', 'public_service']),
  promisedDays: z.number().int(),
  statutoryDays: z.number().int(),
  online: z.boolean(),
  flags: z.array(z.string()),
});

export const ServiceItemList = z.object({ items: z.array(ServiceItemSummary), nextCursor: z.string().nullable() });


export const Guide = ServiceItemSummary.omit({ department: true }).extend({
  version: z.number().int(),
  acceptanceDays: z.number().int(),
  yellowDays: z.number().int().optional().describe('yellow light from this many promised working days left (default 20 %, at least 1)'),
  opinionDays: z.number().int().optional().describe('joint processing: each co-department’s limit for its opinion'),
  basicCode: z.string(),
  implementationCode: z.string(),
  itemTypeName: z.string(),
  department: DepartmentRef,
  coDepartments: z.array(DepartmentRef),
  supervisedBy: z.array(DepartmentRef).optional().describe('the departments that supervise afterwards; each completion is reported to them (抄告)'),
  legalBasis: z.array(z.string()),
  acceptanceConditions: z.array(z.string()),
  materials: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      required: z.boolean(),
      fetchable: z.boolean(),
      fromForm: z.boolean().optional().describe('generated from the online form; nothing to upload'),
      template: z.string().optional(),
      description: z.string(),
      form: z.enum(['original', 'copy', 'electronic']),
    }),
  ),
  processSteps: z.array(z.object({ name: z.string(), description: z.string(), workingDays: z.number().optional() })),
  fee: z.object({ charged: z.boolean(), amountYuan: z.number().optional(), basis: z.string() }),
  handling: z.object({ online: z.boolean(), hall: z.boolean(), maxVisits: z.number(), halls: z.array(z.string()) }),
  result: z.object({ type: z.string(), name: z.string(), sample: z.string() }),
  archiveYears: z.number().int().optional().describe('how many years its cases’ archive packages are kept unchanged (30 when absent)'),
  jointResults: z.array(z.object({ type: z.string(), name: z.string(), issuer: DepartmentRef })).optional().describe('joint items: the co-departments’ results, released together with the item’s own'),
  consultationPhone: z.string(),
  complaintPhone: z.string(),
  faqs: z.array(z.object({ question: z.string(), answer: z.string() })),
  rightsAndRemedies: z.string(),
  formSchema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of the application form'),
  formExample: z.record(z.string(), z.unknown()).describe('a valid filled-in form'),
});

export const UploadRequest = z
  .object({
    fileName: z
      .string()
      .min(1)
      .max(255)
      .refine((n) => ![...n].some((c) => c === '/' || c === '\\' || c.charCodeAt(0) < 0x20), 'file name must not contain slashes or control characters'),
    contentType: z.enum(ALLOWED_UPLOAD_TYPES, { message: `allowed types: ${ALLOWED_UPLOAD_TYPES.join(', ')}` }),
    size: z.number().int().positive().describe(`bytes, at most ${MAX_UPLOAD_BYTES}`),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lower-case hex SHA-256 of the file'),
  })
  .strict();

export const UploadResponse = z.object({
  uploadId: ulid,
  url: z.string(),
  method: z.literal('PUT'),
  headers: z.record(z.string(), z.string()),
  expiresAt: isoTime,
});

/**
 * Where a case's material came from: uploaded, an e-certificate the applicant named, fetched by the
 * platform from the certificate library or the shared-data platform (C2), or generated from the form.
 */
const MaterialSource = z.enum(['upload', 'certificate', 'certificate_library', 'shared_data', 'form']);

const MaterialRef = z.union([
  z.object({ materialId: z.string().min(1), uploadId: ulid }).strict(),
  z.object({ materialId: z.string().min(1), certificateId: ulid }).strict(),
]);

/**
 * An application form as sent, before the item's own schema looks at it: bounded, so nothing
 * downstream (hashing for Idempotency-Key, the table's 400 KB items) meets a value it cannot hold.
 */
const FormValue = z
  .record(z.string().max(64), z.unknown())
  .refine((v) => Object.keys(v).length <= 100, { message: 'at most 100 fields', abort: true })
  .refine((v) => !Object.values(v).some((x) => nestsDeeperThan(x, 7)), { message: 'nests at most 8 levels deep', abort: true })
  .refine((v) => Buffer.byteLength(JSON.stringify(v), 'utf8') <= 64 * 1024, { message: 'at most 64 KiB as JSON' });

export const CreateCaseRequest = z
  .object({
    serviceItemCode: z.string().min(1).max(80),
    form: FormValue,
    materials: z.array(MaterialRef).max(50).default([]),
    delivery: z
      .object({ method: z.enum(['pickup', 'mail']), address: z.string().min(6).max(200).optional() })
      .strict()
      .refine((d) => d.method !== 'mail' || !!d.address, { message: 'mail delivery needs an address', path: ['address'] })
      .optional(),
  })
  .strict();

export const CreateCaseResponse = z.object({
  caseId: ulid,
  supervisionCode: z.string(),
  status: z.literal('submitted'),
  warnings: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe('C4: fields of the form the shared records contradict; the case is flagged for the department'),
});

const ActorView = z.object({
  kind: z.enum(['applicant', 'department', 'system']),
  id: z.string(),
  via: z.enum(['webhook', 'staff']).optional().describe('departments: their system’s signed webhook, or staff in a browser'),
  staffId: z.string().optional().describe('the member of staff who acted'),
});

export const WorkflowView = z.object({
  status: z.enum(['running', 'recovering']).describe('recovering: the last attempt stopped or did not start; the sweep starts a new one within minutes'),
  attempt: z.number().int(),
  since: isoTime,
  reason: z.object({ error: z.string(), cause: z.string().optional() }).optional().describe('why the last attempt stopped'),
});

export const CaseView = z.object({
  caseId: ulid,
  supervisionCode: z.string(),
  serviceItem: z.object({ code: z.string(), version: z.number().int(), name: z.string() }),
  status: z.enum(CASE_STATUSES),
  light: z.enum(['green', 'yellow', 'red']),
  applicant: z.object({ name: z.string(), subjectType: z.string() }),
  departments: z.object({ lead: z.string(), co: z.array(z.string()) }),
  form: z.record(z.string(), z.unknown()),
  materials: z.array(
    z.object({
      materialId: z.string(),
      source: MaterialSource,
      fetchedFrom: z.string().optional().describe('fetched materials: the library certificate or the shared-data set it came from'),
      fetchedAt: isoTime.optional(),
      legalBasis: z.string().optional().describe('fetched materials: the rule under which it was fetched, not asked for'),
      fileName: z.string().optional(),
      contentType: z.string().optional(),
      size: z.number().int().optional(),
      sha256: z.string().optional().describe('of the pinned bytes departments open'),
      formVersion: z.number().int().optional().describe('the application form: which version of the form it was generated from'),
    }),
  ),
  delivery: z
    .object({
      method: z.enum(['pickup', 'mail']),
      address: z.string().optional(),
      pickupCode: z.string().optional().describe('pickup: the code the paper result is picked up with, given at completion'),
      carrier: z.string().optional(),
      trackingNo: z.string().optional(),
      status: z.enum(['booked', 'in_transit', 'delivered']).optional(),
      dispatchedAt: isoTime.optional(),
    })
    .optional()
    .describe('how the paper result reaches the applicant (G4)'),
  dataMismatches: z
    .array(z.object({ materialId: z.string(), field: z.string(), label: z.string(), dataset: z.string() }))
    .optional()
    .describe('C4: fields of the form the shared record fetched for a material contradicts, for the department to verify'),
  timeline: z.array(
    z.object({ at: isoTime, type: z.string(), actor: ActorView, note: z.string().optional(), data: z.record(z.string(), z.unknown()).optional(), documents: z.array(z.string()).optional() }),
  ),
  documents: z.array(z.object({ docId: z.string(), kind: z.string(), name: z.string(), issuedAt: isoTime })),
  supplementRequest: z.record(z.string(), z.unknown()).optional(),
  deadline: z.object({
    started: z.boolean(),
    promisedDue: z.string().optional(),
    statutoryDue: z.string().optional(),
    remainingWorkingDays: z.number().int().optional(),
    paused: z.boolean(),
    extendedDays: z.number().int().optional(),
    pausedDays: z.number().int().optional(),
    stoppedOn: z.string().optional().describe('the day the decision stopped the clock'),
    explanation: z.array(z.string()),
  }),
  clocks: z
    .array(
      z.object({
        deptCode: z.string(),
        role: z.enum(['lead', 'co']),
        stage: z.enum(['acceptance', 'processing']).describe('the lead’s acceptance clock until the case is accepted, then processing'),
        due: z.string().optional(),
        remainingWorkingDays: z.number().int().optional(),
        light: z.enum(['green', 'yellow', 'red']),
        running: z.boolean(),
      }),
    )
    .optional()
    .describe('joint cases: the lead’s clock and each co-department’s clock for its opinion (E3)'),
  late: z.array(z.string()).describe('departments whose clock is red'),
  supervisions: z
    .array(
      z.object({
        supervisionId: z.string(),
        deptCode: z.string(),
        stage: z.enum(['acceptance', 'processing']).optional().describe('which clock went red'),
        openedOn: z.string(),
        respondBy: z.string(),
        level: z.number().int(),
        status: z.enum(['open', 'answered']),
        escalatedOn: z.string().optional(),
        answer: z.object({ at: isoTime, explanation: z.string(), late: z.boolean() }).optional(),
      }),
    )
    .optional()
    .describe('supervision cases (督办) opened on this case (F3)'),
  acceptanceClock: z
    .object({
      limitWorkingDays: z.number(),
      usedWorkingDays: z.number(),
      running: z.boolean(),
      paused: z.boolean(),
      overdue: z.boolean(),
      due: z.string().optional().describe('while running: the last day for the acceptance decision'),
      remainingWorkingDays: z.number().int(),
      light: z.enum(['green', 'yellow', 'red']).describe('yellow on the last day, red once it has passed'),
    })
    .describe('the acceptance step’s own clock (D1, FZ 15): lights and supervision like the processing clock'),
  opinions: z.record(z.string(), z.unknown()).optional(),
  workflow: WorkflowView.optional().describe('staff and administrators: how the case’s workflow stands while the case is not final'),
  certificates: z.array(
    z.object({ certificateId: z.string(), name: z.string(), supervisionCode: z.string(), issuedAt: isoTime, issuer: z.string() }),
  ),
  createdAt: isoTime,
  updatedAt: isoTime,
});

/**
 * Department actions (api.md "Department webhook types"), the same for department systems
 * (webhook, with `caseId`) and for staff in a browser (the case is in the path).
 */
function departmentActions<E extends z.ZodRawShape>(envelope: E) {
  const [first, ...rest] = [...INBOUND_ACTIONS.values()].map((a) =>
    z.object({ ...envelope, type: z.literal(a.inbound.type), data: z.object({ ...a.inbound.data, note }).strict() }).strict(),
  );
  if (!first) throw new Error('no department actions');
  return z.discriminatedUnion('type', [first, ...rest]);
}

/** Queries on the signed channel: answered at once (200), changing nothing but the record of who looked. */
export const MaterialLinkQuery = z
  .object({ caseId: ulid, type: z.literal('material.link'), data: z.object({ materialId: z.string().min(1).max(80) }).strict() })
  .strict();
export const WebhookIn = z.discriminatedUnion('type', [...departmentActions({ caseId: ulid }).options, MaterialLinkQuery]);
export type WebhookIn = z.infer<typeof WebhookIn>;
export const StaffAction = departmentActions({});
export type StaffAction = z.infer<typeof StaffAction>;

export const SupplementRequest = z
  .object({
    materials: z.array(MaterialRef).max(50).default([]),
    form: FormValue.optional().describe('the corrected application form, when the request named the material generated from it'),
    note: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((b) => b.materials.length > 0 || b.form !== undefined, { message: 'give the materials asked for, or the corrected form', path: ['materials'] });
export const MaterialLink = z.object({
  materialId: z.string(),
  source: MaterialSource,
  url: z.string().describe('a short-lived download of exactly the pinned bytes'),
  expiresAt: isoTime,
  sha256: z.string(),
  contentType: z.string(),
  fileName: z.string(),
  formVersion: z.number().int().optional(),
});
export const WithdrawRequest = z.object({ reason: z.string().trim().max(500).optional() }).strict().default({});
export const DocumentLink = z.object({ docId: z.string(), kind: z.string(), name: z.string(), url: z.string(), expiresAt: isoTime });
export const CaseStatusResponse = z.object({ caseId: z.string(), status: z.enum(CASE_STATUSES) });

export const WebhookAccepted = z.object({ received: z.literal(true), caseId: z.string(), status: z.enum(CASE_STATUSES), duplicate: z.boolean() });

export * from './admin.ts';
export * from './certificates.ts';
