import { describe, expect, it } from 'vitest';
import { decide } from '#shared/domain/decide.ts';
import { verifyChain, type Actor, type AuditEvent, type CaseRecord } from '#shared/domain/case.ts';
import { IllegalTransition } from '#shared/errors.ts';
import { filedCase, completion } from '../support/case-fixtures.ts';

const applicant: Actor = { kind: 'applicant', id: 'u-1', name: '陈美玲' };
const dept: Actor = { kind: 'department', id: 'fz-scjg', via: 'webhook' };
const system: Actor = { kind: 'system', id: 'workflow' };

const filed = () => filedCase({}, applicant);

function run(...steps: Array<[Parameters<typeof decide>[1], Actor]>): { record: CaseRecord; events: AuditEvent[] } {
  const first = filed();
  let record = first.record;
  const events = [first.event];
  for (const [command, actor] of steps) {
    const next = decide(record, command, actor, '2026-11-23T11:00:00.000+08:00');
    record = next.record;
    events.push(next.event);
  }
  return { record, events };
}

describe('case lifecycle: filing to completion', () => {
  const completed = () => run([{ type: 'accept' }, dept], [{ type: 'approve' }, dept], [completion('C1'), system]);

  it('goes submitted → accepted → approved → completed', () => {
    expect(completed().record.status).toBe('completed');
  });

  it('keeps the certificate the workflow issued on completion', () => {
    expect(completed().record.certificates).toEqual(['C1']);
  });

  it('writes one audit event per step, each naming the statuses it moved between', () => {
    const { record, events } = completed();
    expect(events.map((e) => e.type)).toEqual(['case.submitted', 'case.accepted', 'case.approved', 'case.completed']);
    expect(events.map((e) => [e.fromStatus, e.toStatus])).toEqual([
      [null, 'submitted'],
      ['submitted', 'accepted'],
      ['accepted', 'approved'],
      ['approved', 'completed'],
    ]);
    expect(record.version).toBe(4);
  });

  it('refuses approval before acceptance', () => {
    expect(() => run([{ type: 'approve' }, dept])).toThrow(IllegalTransition);
  });

  it('refuses a second acceptance', () => {
    expect(() => run([{ type: 'accept' }, dept], [{ type: 'accept' }, dept])).toThrow(IllegalTransition);
  });

  it('lets only the workflow complete a case', () => {
    expect(() => run([{ type: 'accept' }, dept], [{ type: 'approve' }, dept], [completion('C1'), dept])).toThrow(IllegalTransition);
  });

  it('lets only departments accept', () => {
    expect(() => run([{ type: 'accept' }, applicant])).toThrow(IllegalTransition);
  });

  const approvedWithNote = () => {
    const first = filed();
    const accepted = decide(first.record, { type: 'accept' }, dept, '2026-11-23T11:00:00.000+08:00');
    return decide(accepted.record, { type: 'approve', certificate: { summary: { no: 'JY1' } } }, dept, '2026-11-23T12:00:00.000+08:00', { note: '材料齐全' });
  };

  it('keeps the approval’s certificate details on the record', () => {
    expect(approvedWithNote().event.data).toEqual({ certificate: { summary: { no: 'JY1' } } });
  });

  it('keeps the approval’s note on the record', () => {
    expect(approvedWithNote().event.note).toBe('材料齐全');
  });
});

describe('F5 tamper-evident record', () => {
  it('chains each event to its predecessor', () => {
    const { events } = run([{ type: 'accept' }, dept], [{ type: 'approve' }, dept]);
    expect(events[1]!.prevHash).toBe(events[0]!.hash);
  });

  it('verifies an intact chain', () => {
    const { events } = run([{ type: 'accept' }, dept], [{ type: 'approve' }, dept]);
    expect(verifyChain(events)).toEqual({ valid: true });
  });

  it('detects an edited event', () => {
    const { events } = run([{ type: 'accept' }, dept], [{ type: 'approve' }, dept]);
    const tampered = events.map((e) => (e.seq === 2 ? { ...e, at: '2026-11-20T09:00:00.000+08:00' } : e));
    expect(verifyChain(tampered)).toEqual({ valid: false, brokenAt: 2 });
  });

  it('detects a removed event', () => {
    const { events } = run([{ type: 'accept' }, dept], [{ type: 'approve' }, dept]);
    expect(verifyChain([events[0]!, events[2]!])).toEqual({ valid: false, brokenAt: 3 });
  });
});
