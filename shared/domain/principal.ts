/** Staff roles; each command needs one of them (B3). */
export type Role = 'reviewer' | 'approver' | 'dept_admin' | 'admin';

/** Who is asking: an applicant (person, company or organisation) or a member of staff. */
export type Principal =
  | { kind: 'citizen'; sub: string; name: string; subjectType: 'person' | 'company' | 'organisation'; authLevel: 0 | 1 | 2 }
  | { kind: 'staff'; sub: string; name: string; dept?: string; roles: Role[] };
