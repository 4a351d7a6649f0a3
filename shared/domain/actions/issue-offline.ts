import * as z from 'zod';
import { Conflict } from '../../errors.ts';
import { shanghaiDate } from '../../time.ts';
import { defineAction } from './define.ts';

export type IssueOfflineCommand = { type: 'issue_offline'; certificateNo?: string; note?: string };

/**
 * G1: the result may also be issued on paper (纸质证照), on the day the case completed — recorded
 * once, with the paper certificate's number. The electronic one stays the case's result.
 */
export const issueOffline = defineAction<IssueOfflineCommand>()({
  command: 'issue_offline',
  event: 'case.issued_offline',
  from: ['completed'],
  by: 'department',
  who: 'lead',
  inbound: {
    type: 'case.issue_offline',
    data: { certificateNo: z.string().trim().min(1).max(80).optional().describe('the number printed on the paper certificate') },
    roles: ['approver'],
    command: (d, note) => ({ type: 'issue_offline', ...(d.certificateNo ? { certificateNo: d.certificateNo } : {}), ...(note ? { note } : {}) }),
  },
  check: (record) => {
    if (record.offlineIssue) throw new Conflict(`the paper issue of case ${record.caseId} was recorded on ${record.offlineIssue.at}`);
  },
  apply: (record, command, _actor, at) => {
    const completedOn = record.completedAt?.slice(0, 10);
    if (!completedOn || shanghaiDate(new Date(at)) !== completedOn) {
      throw new Conflict(`a paper issue is recorded on the day the case completed (${completedOn ?? 'unknown'}), not on ${shanghaiDate(new Date(at))}`);
    }
    return { offlineIssue: { at, ...(command.certificateNo ? { certificateNo: command.certificateNo } : {}) } };
  },
  toApplicant: true,
});
