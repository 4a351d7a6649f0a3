import type { ClockStage, Light } from '../case.ts';
import { METRIC } from '../metrics.ts';
import { defineAction } from './define.ts';

export type SignalCommand = { type: 'signal'; deptCode: string; stage: ClockStage; light: Light; since: string; due: string; remainingWorkingDays: number };

/** F3: a department's clock changed colour (the watch announces it). */
export const signal = defineAction<SignalCommand>()({
  command: 'signal',
  event: 'case.light_changed',
  from: ['submitted', 'accepted'],
  by: 'system',
  apply: (record, command) => ({ lights: { ...record.lights, [command.deptCode]: { light: command.light, on: command.since, due: command.due, stage: command.stage } } }),
  toApplicant: true,
  outbound: (_record, { data }) => (data.light === 'green' ? [] : [{ deptCode: data.deptCode, type: `deadline.${data.light}` as const }]),
  metrics: (_record, data) =>
    data.light === 'green' ? [] : [{ name: data.light === 'yellow' ? METRIC.casesTurnedYellow : METRIC.casesTurnedRed, value: 1, department: data.deptCode }],
});
