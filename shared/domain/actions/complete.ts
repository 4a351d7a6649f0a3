import type { CertificateVerification } from '../certificate.ts';
import { defineAction } from './define.ts';

/** The certificates' public fields go with the completion: its trail keeps what was released and reported (G3: a joint item's, together). */
export type CompleteCommand = { type: 'complete'; certificates: CertificateVerification[]; pickupCode?: string };

/** 办结: the workflow put the certificate in the library (G1); the supervising departments are told (抄告, G5). */
export const complete = defineAction<CompleteCommand>()({
  command: 'complete',
  event: 'case.completed',
  from: ['approved'],
  to: 'completed',
  by: 'system',
  sms: (data, { hall }) =>
    `已办结，电子证照${data.certificates.map((c) => `“${c.name}”`).join('、')}已存入您的电子证照库，可在网上办事平台查看、下载${data.pickupCode ? `；纸质证照请凭取件码${data.pickupCode}到${hall}领取` : ''}`,
  // G4: a result to be picked up gets its pickup code now.
  apply: (record, command, _actor, at) => ({
    certificates: [...record.certificates, ...command.certificates.map((c) => c.certificateId)],
    completedAt: at,
    ...(command.pickupCode && record.delivery ? { delivery: { ...record.delivery, pickupCode: command.pickupCode } } : {}),
  }),
  outbound: (record) => (record.supervisingDepartments ?? []).map((deptCode) => ({ deptCode, type: 'case.completed' as const })),
});
