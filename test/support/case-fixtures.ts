import { fileCase, type Actor, type NewCase } from '#shared/domain/case.ts';

/** A filed case for domain tests (no network): 食品经营许可 by default, with overrides. */
export function filedCase(over: Partial<NewCase> = {}, by?: Actor) {
  const input: NewCase = {
    caseId: '01KAQ3Z6Y2V8J5M0N4C7R1T9XB',
    supervisionCode: '350100-261123-7K3M9QXA-R',
    serviceItem: { code: 'food-business-licence', version: 1, name: '食品经营许可（新办）' },
    limits: { acceptanceDays: 1, promisedDays: 5, statutoryDays: 10 },
    applicant: { id: 'u-1', name: '陈美玲', subjectType: 'person' },
    leadDepartment: 'fz-scjg',
    coDepartments: [],
    form: {},
    materials: [],
    createdAt: '2026-11-23T10:00:00.000+08:00',
    ...over,
  };
  return fileCase(input, by ?? { kind: 'applicant', id: input.applicant.id, name: input.applicant.name });
}

/** A completion's command: the certificate and its public fields (as the workflow gives them). */
export const completion = (certificateId: string) => ({
  type: 'complete' as const,
  certificates: [{
    certificateId,
    supervisionCode: '350100-261123-7K3M9QXA-R',
    type: 'business_licence',
    name: '营业执照（个体工商户）',
    issuer: { code: 'fz-scjg', name: '福州市市场监督管理局' },
    issuedAt: '2026-11-24T10:00:00.000+08:00',
    holder: { nameMasked: '陈*玲', idMasked: 'u****1' },
    summary: {},
    status: 'valid' as const,
  }],
});
