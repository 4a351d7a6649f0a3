import type { ClockStage } from '../case.ts';
import { METRIC } from '../metrics.ts';
import { defineAction } from './define.ts';

export type OpenSupervisionCommand = { type: 'open_supervision'; supervisionId: string; deptCode: string; stage: ClockStage; respondBy: string };

/** 督办: a red light the department did not explain opens one; it must answer by `respondBy`. */
export const openSupervisionAction = defineAction<OpenSupervisionCommand>()({
  command: 'open_supervision',
  event: 'case.supervision_opened',
  from: ['submitted', 'accepted'],
  by: 'system',
  apply: (record, command, _actor, at) => ({
    supervisions: [
      ...(record.supervisions ?? []),
      { supervisionId: command.supervisionId, deptCode: command.deptCode, stage: command.stage, openedOn: at.slice(0, 10), respondBy: command.respondBy, level: 1, status: 'open' },
    ],
  }),
  toApplicant: true,
  outbound: (_record, { data }) => [{ deptCode: data.deptCode, type: 'supervision.opened' }],
  metrics: (_record, data) => [{ name: METRIC.supervisionsOpened, value: 1, department: data.deptCode }],
});
