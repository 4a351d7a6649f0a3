import { describe, expect, it } from 'vitest';
import { decide } from '#shared/domain/decide.ts';
import { pendingOpinions } from '#shared/domain/actions/approve.ts';
import { ACTIONS } from '#shared/domain/actions/index.ts';
import { CASE_STATUSES, type Actor, type CaseRecord, type Command } from '#shared/domain/case.ts';
import { isWaitOver } from '#shared/domain/workflow.ts';
import { Conflict, Forbidden, IllegalTransition, RuleViolation } from '#shared/errors.ts';
import { filedCase } from '../support/case-fixtures.ts';

const applicant: Actor = { kind: 'applicant', id: 'u-1', name: '郑建华' };
const lead: Actor = { kind: 'department', id: 'fz-zrzy', via: 'webhook' };
const housing: Actor = { kind: 'department', id: 'fz-zjj', via: 'webhook' };
const civilDefence: Actor = { kind: 'department', id: 'fz-rfb', via: 'webhook' };
let clock = 0;
const at = () => `2026-11-23T10:${String(clock++ % 60).padStart(2, '0')}:00.000+08:00`;

function jointCase(): CaseRecord {
  return filedCase(
    {
      serviceItem: { code: 'construction-planning-permit', version: 1, name: '建设工程规划许可证核发' },
      applicant: { id: 'u-1', name: '郑建华', subjectType: 'company' },
      leadDepartment: 'fz-zrzy',
      coDepartments: ['fz-zjj', 'fz-rfb'],
      materials: [{ materialId: 'design-scheme', source: 'upload', uploadId: 'U1', objectKey: 'uploads/U1', fileName: 'a.pdf', contentType: 'application/pdf', size: 1, sha256: 'x' }],
      createdAt: at(),
    },
    applicant,
  ).record;
}

function apply(record: CaseRecord, ...steps: Array<[Command, Actor]>): CaseRecord {
  return steps.reduce((r, [command, actor]) => decide(r, command, actor, at()).record, record);
}

const upload = (materialId: string, id: string) => ({ materialId, source: 'upload' as const, uploadId: id, objectKey: `uploads/${id}`, fileName: `${id}.pdf`, contentType: 'application/pdf', size: 1, sha256: 'y' });
const accept: [Command, Actor] = [{ type: 'accept' }, lead];

describe('D1 acceptance and rejection', () => {
  it('rejects (不予受理) with reasons, finally', () => {
    const r = apply(jointCase(), [{ type: 'reject', reasons: ['不属于本部门职权范围'] }, lead]);
    expect(r.status).toBe('rejected');
    expect(() => apply(r, accept)).toThrow(IllegalTransition);
  });

  it('refuses a rejection without a reason (422)', () => {
    expect(() => apply(jointCase(), [{ type: 'reject', reasons: [' '] }, lead])).toThrow(RuleViolation);
  });

  it('lets only the lead department accept or reject (403)', () => {
    expect(() => apply(jointCase(), [{ type: 'accept' }, housing])).toThrow(Forbidden);
    expect(() => apply(jointCase(), [{ type: 'reject', reasons: ['x x'] }, civilDefence])).toThrow(Forbidden);
  });
});

describe('D2 one-time supplement (一次性告知)', () => {
  const ask = (items: string[]): [Command, Actor] => [{ type: 'request_supplement', items: items.map((materialId) => ({ materialId, reason: '不清晰' })) }, lead];
  const answer = (...ids: string[]): [Command, Actor] => [{ type: 'supplement', materials: ids.map((id, i) => upload(id, `S${i}${id}`)) }, applicant];

  it('asks once for everything, the applicant answers, and the case is back for acceptance', () => {
    const asked = apply(jointCase(), ask(['design-scheme', 'fire-design']));
    expect(asked.status).toBe('awaiting_supplement');
    expect(asked.supplementRequests).toHaveLength(1);
    const answered = apply(asked, answer('design-scheme', 'fire-design'));
    expect(answered.status).toBe('submitted');
    expect(answered.supplementRequests[0]!.answer?.materialIds.sort()).toEqual(['design-scheme', 'fire-design']);
    expect(answered.materials.find((m) => m.materialId === 'design-scheme')).toMatchObject({ uploadId: 'S0design-scheme' });
  });

  it('refuses a second request about anything not newly supplied (409)', () => {
    const r = apply(jointCase(), ask(['design-scheme']), answer('design-scheme'));
    expect(() => apply(r, ask(['fire-design']))).toThrow(Conflict);
    expect(() => apply(r, ask(['design-scheme', 'fire-design']))).toThrow(Conflict);
  });

  it('allows a follow-up only about a newly supplied material, and records it as such', () => {
    const r = apply(jointCase(), ask(['design-scheme']), answer('design-scheme'), ask(['design-scheme']));
    expect(r.status).toBe('awaiting_supplement');
    expect(r.supplementRequests.map((s) => s.followUp)).toEqual([false, true]);
  });

  it('lets only the lead ask, never a co-department (403), and only before acceptance (409)', () => {
    expect(() => apply(jointCase(), [{ type: 'request_supplement', items: [{ materialId: 'fire-design', reason: '缺' }] }, housing])).toThrow(Forbidden);
    expect(() => apply(jointCase(), accept, ask(['fire-design']))).toThrow(IllegalTransition);
  });

  it('takes a supplement only from the applicant, and only when asked', () => {
    expect(() => apply(jointCase(), answer('design-scheme'))).toThrow(IllegalTransition);
    expect(() => apply(jointCase(), ask(['design-scheme']), [{ type: 'supplement', materials: [] }, lead])).toThrow(IllegalTransition);
  });
});

describe('E1 E2 review: recorded steps, suspension, decisions', () => {
  const allOpinions: Array<[Command, Actor]> = [
    [{ type: 'opinion', opinion: 'agree' }, housing],
    [{ type: 'opinion', opinion: 'agree' }, civilDefence],
  ];

  it('records offline steps without changing the status', () => {
    const r = apply(jointCase(), accept, [{ type: 'record_step', step: 'site_inspection', result: '现场符合规划条件' }, lead]);
    expect(r.status).toBe('accepted');
    expect(() => apply(jointCase(), [{ type: 'record_step', step: 'expert_review', result: '通过' }, lead])).toThrow(IllegalTransition);
  });

  it('denies (不予许可) only with reasons', () => {
    expect(apply(jointCase(), accept, [{ type: 'deny', reasons: ['不符合控制性详细规划'] }, lead]).status).toBe('denied');
    expect(() => apply(jointCase(), accept, [{ type: 'deny', reasons: [] }, lead])).toThrow(RuleViolation);
  });

  it('suspends and resumes; nothing but resumption or withdrawal while suspended', () => {
    const suspended = apply(jointCase(), accept, [{ type: 'suspend', reason: '等待司法鉴定结果' }, lead]);
    expect(suspended.status).toBe('suspended');
    expect(() => apply(suspended, ...allOpinions, [{ type: 'approve' }, lead])).toThrow(IllegalTransition);
    expect(apply(suspended, [{ type: 'resume' }, lead]).status).toBe('accepted');
  });

  it('approves, then only the workflow completes', () => {
    const approved = apply(jointCase(), accept, ...allOpinions, [{ type: 'approve' }, lead]);
    expect(approved.status).toBe('approved');
    expect(() => apply(approved, [{ type: 'complete', certificateId: 'C' }, lead])).toThrow(IllegalTransition);
  });
});

describe('E3 joint processing', () => {
  it('asks every co-department, and the lead can approve only when all opinions are in (409 before)', () => {
    const accepted = apply(jointCase(), accept);
    expect(pendingOpinions(accepted)).toEqual(['fz-zjj', 'fz-rfb']);
    const one = apply(accepted, [{ type: 'opinion', opinion: 'agree', note: '消防设计符合要求' }, housing]);
    expect(pendingOpinions(one)).toEqual(['fz-rfb']);
    expect(() => apply(one, [{ type: 'approve' }, lead])).toThrow(Conflict);
    const both = apply(one, [{ type: 'opinion', opinion: 'disagree', note: '人防面积不足' }, civilDefence]);
    expect(both.opinions['fz-rfb']).toMatchObject({ opinion: 'disagree', note: '人防面积不足' });
    expect(apply(both, [{ type: 'approve' }, lead]).status).toBe('approved');
  });

  it('takes one opinion per co-department, none from the lead or before acceptance', () => {
    const one = apply(jointCase(), accept, [{ type: 'opinion', opinion: 'agree' }, housing]);
    expect(() => apply(one, [{ type: 'opinion', opinion: 'disagree' }, housing])).toThrow(Conflict);
    expect(() => apply(one, [{ type: 'opinion', opinion: 'agree' }, lead])).toThrow(Forbidden);
    expect(() => apply(jointCase(), [{ type: 'opinion', opinion: 'agree' }, housing])).toThrow(IllegalTransition);
  });

  it('ends an opinion wait when its department answers, or when the case leaves review', () => {
    const accepted = apply(jointCase(), accept);
    const wait = { stage: 'opinion', dept: 'fz-zjj', whileStatus: ['accepted' as const], token: 't' };
    expect(isWaitOver(accepted, wait)).toBe(false);
    expect(isWaitOver(apply(accepted, [{ type: 'opinion', opinion: 'agree' }, civilDefence]), wait)).toBe(false);
    expect(isWaitOver(apply(accepted, [{ type: 'opinion', opinion: 'agree' }, housing]), wait)).toBe(true);
    expect(isWaitOver(apply(accepted, [{ type: 'withdraw' }, applicant]), wait)).toBe(true);
  });
});

describe('withdrawal', () => {
  it('is possible before a decision, from every such status', () => {
    const before = [
      jointCase(),
      apply(jointCase(), [{ type: 'request_supplement', items: [{ materialId: 'fire-design', reason: '缺' }] }, lead]),
      apply(jointCase(), accept),
      apply(jointCase(), accept, [{ type: 'suspend', reason: '等待' }, lead]),
    ];
    for (const r of before) expect(apply(r, [{ type: 'withdraw', reason: '不再需要' }, applicant]).status).toBe('withdrawn');
  });

  it('is refused after a decision (409) and to anyone but the applicant', () => {
    expect(() => apply(jointCase(), [{ type: 'reject', reasons: ['理由'] }, lead], [{ type: 'withdraw' }, applicant])).toThrow(IllegalTransition);
    expect(() => apply(jointCase(), [{ type: 'withdraw' }, lead])).toThrow(IllegalTransition);
  });
});

describe('the transition table', () => {
  it('moves only between statuses api.md lists', () => {
    const allowed = new Set([
      'submitted>awaiting_supplement', 'awaiting_supplement>submitted', 'submitted>rejected', 'submitted>accepted',
      'accepted>suspended', 'suspended>accepted', 'accepted>approved', 'approved>completed', 'accepted>denied',
      'submitted>withdrawn', 'awaiting_supplement>withdrawn', 'accepted>withdrawn', 'suspended>withdrawn',
    ]);
    for (const rule of ACTIONS) {
      for (const from of rule.from) {
        expect(CASE_STATUSES).toContain(from);
        if (rule.to) expect(allowed.has(`${from}>${rule.to}`), `${from}>${rule.to}`).toBe(true);
      }
    }
  });
});
