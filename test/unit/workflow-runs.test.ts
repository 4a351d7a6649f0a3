import { describe, expect, it } from 'vitest';
import { attemptOfExecution, executionName, isRecovering } from '#shared/domain/workflow.ts';
import { restartDelayMs } from '#shared/usecases/reconcile.ts';

describe('C1 F5 workflow attempts', () => {
  it('name each attempt’s execution after the case', () => {
    expect(executionName('01KAQ3Z6Y2V8J5M0N4C7R1T9XB', 3)).toBe('01KAQ3Z6Y2V8J5M0N4C7R1T9XB-3');
  });

  it('read the case and the attempt back from an execution’s name', () => {
    expect(attemptOfExecution('01KAQ3Z6Y2V8J5M0N4C7R1T9XB-12')).toEqual({ caseId: '01KAQ3Z6Y2V8J5M0N4C7R1T9XB', attempt: 12 });
    // Started before attempts were counted: named after the case alone.
    expect(attemptOfExecution('01KAQ3Z6Y2V8J5M0N4C7R1T9XB')).toEqual({ caseId: '01KAQ3Z6Y2V8J5M0N4C7R1T9XB', attempt: 0 });
  });

  it('start again at once after a first stop, then back off 1, 2, 4 … minutes', () => {
    expect([1, 2, 3, 4, 5].map((n) => restartDelayMs(n) / 60_000)).toEqual([0, 1, 2, 4, 8]);
  });

  it('never wait more than a day to start again', () => {
    expect(restartDelayMs(40)).toBe(24 * 3600_000);
  });

  const run = (status: 'pending' | 'starting' | 'running' | 'stopped' | 'done') => ({ caseId: 'c', attempt: 1, status, since: '2026-12-01T00:00:00Z' });
  const statuses = ['pending', 'starting', 'running', 'stopped', 'done'] as const;

  it('count as being recovered while stopped, or not started after the grace period; not while running or done', () => {
    expect(statuses.map((s) => isRecovering(run(s), new Date('2026-12-01T00:05:00Z')))).toEqual([true, true, false, true, false]);
  });

  it('count as being recovered within the grace period only while stopped', () => {
    // Just filed, or a start under way: not yet anyone's concern.
    expect(statuses.map((s) => isRecovering(run(s), new Date('2026-12-01T00:01:00Z')))).toEqual([false, false, false, true, false]);
  });

  it('do not count as being recovered when there is no attempt', () => {
    expect(isRecovering(undefined, new Date())).toBe(false);
  });
});
