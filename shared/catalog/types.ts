import type { z } from 'zod';

export type DepartmentRef = { code: string; name: string };

export type Material = {
  id: string;
  name: string;
  required: boolean;
  /** The platform fetches it from the certificate library or shared data (C2): no upload needed. */
  fetchable: boolean;
  /** Where it is fetched from, for a fetchable material. */
  fetch?: MaterialFetch;
  /** Produced by the platform from the online form (the 申请书): the applicant uploads nothing. */
  fromForm?: true;
  /** Where a blank form or a filled-in sample can be downloaded. */
  template?: string;
  description: string;
  form: 'original' | 'copy' | 'electronic';
};

/**
 * Where the platform fetches a material (C2): the applicant's valid e-certificate of
 * `certificateType` in the library, else the shared-data platform's `dataset`; and the fields of
 * the shared record the form must agree with (C4: `form` is the form's field, `record` the
 * record's, `label` what the applicant is told).
 */
export type MaterialFetch = {
  certificateType?: string;
  dataset: string;
  checks?: Array<{ form: string; record: string; label: string }>;
};

export type ItemType = 'licensing' | 'confirmation' | 'benefit' | 'public_service';

export const ITEM_TYPE_NAMES: Record<ItemType, string> = {
  licensing: '行政许可',
  confirmation: '行政确认',
  benefit: '行政给付',
  public_service: '公共服务',
};

/** Special lists of requirement A4 (WX 9). */
export type ItemFlag =
  | 'province_wide' // 全域通办
  | 'nearby' // 就近办
  | 'online' // 网上办
  | 'mobile' // 掌上办
  | 'no_certificate' // 免证办
  | 'instant_approval' // 秒批
  | 'assisted'; // 帮办代办

/** An application form: an object of fields. */
export type FormSchema = z.ZodType<Record<string, unknown>, Record<string, unknown>>;

/** One published service item: the guide of requirement A1, plus the zod schema of its form. */
export type CatalogItem<Form extends FormSchema = FormSchema> = {
  code: string;
  version: number;
  name: string;
  basicCode: string;
  implementationCode: string;
  itemType: ItemType;
  department: DepartmentRef;
  coDepartments: DepartmentRef[];
  /** How many years its cases' archive packages are kept unchanged (G6); 30 when not said. */
  archiveYears?: number;
  /** The departments that supervise afterwards (事中事后监管): each completion is reported to them (抄告, G5). */
  supervisedBy?: DepartmentRef[];
  legalBasis: string[];
  acceptanceConditions: string[];
  materials: Material[];
  processSteps: { name: string; description: string; workingDays?: number }[];
  statutoryDays: number;
  promisedDays: number;
  /** The acceptance step's own limit in working days (FZ 15 环节规定时限). */
  acceptanceDays: number;
  /** Yellow light from this many promised working days left; default 20 % of the promised limit, at least 1. */
  yellowDays?: number;
  /** Joint processing: each co-department's limit for its opinion, from acceptance (E3). */
  opinionDays?: number;
  fee: { charged: false; basis: string } | { charged: true; amountYuan: number; basis: string };
  handling: { online: boolean; hall: boolean; maxVisits: number; halls: string[] };
  result: { type: string; name: string; sample: string };
  /** G3: the results a joint item yields beside its own, each issued by its department, released together with it. */
  jointResults?: Array<{ type: string; name: string; issuer: DepartmentRef }>;
  consultationPhone: string;
  complaintPhone: string;
  faqs: { question: string; answer: string }[];
  rightsAndRemedies: string;
  flags: ItemFlag[];
  form: Form;
  formExample: z.input<Form>;
};

/** The parts of a guide an administrator may revise (PUT /admin/service-items/{code}); each publish is a new version. */
export const REVISABLE = ['name', 'promisedDays', 'statutoryDays', 'acceptanceDays', 'yellowDays', 'opinionDays', 'acceptanceConditions', 'legalBasis'] as const;
export type GuideRevision = Partial<Pick<CatalogItem, (typeof REVISABLE)[number]>> & {
  code: string;
  version: number;
  publishedAt: string;
  publishedBy: string;
};
