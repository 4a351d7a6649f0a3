import { describe, expect, it } from 'vitest';
import { decide } from '#shared/domain/decide.ts';
import { pendingOpinions } from '#shared/domain/actions/approve.ts';
import { ACTIONS } from '#shared/domain/actions/index.ts';
import { CASE_STATUSES, type Actor, type CaseRecord, type Command } from '#shared/domain/case.ts';
import { isWaitOver } from '#shared/domain/workflow.ts';
import { Conflict, Forbidden, IllegalTransition, RuleViolation } from '#shared/errors.ts';
import { filedCase, completion } from '../support/case-fixtures.ts';

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
  const rejected = () => apply(jointCase(), [{ type: 'reject', reasons: ['不属于本部门职权范围'] }, lead]);

  it('rejects (不予受理) with reasons', () => {
    expect(rejected().status).toBe('rejected');
  });

  it('makes a rejection final: the case can no longer be accepted', () => {
    expect(() => apply(rejected(), accept)).toThrow(IllegalTransition);
  });

  it('refuses a rejection without a reason (422)', () => {
    expect(() => apply(jointCase(), [{ type: 'reject', reasons: [' '] }, lead])).toThrow(RuleViolation);
  });

  it('refuses a co-department the acceptance (403)', () => {
    expect(() => apply(jointCase(), [{ type: 'accept' }, housing])).toThrow(Forbidden);
  });

  it('refuses a co-department the rejection (403)', () => {
    expect(() => apply(jointCase(), [{ type: 'reject', reasons: ['x x'] }, civilDefence])).toThrow(Forbidden);
  });
});

describe('D2 one-time supplement (一次性告知)', () => {
  const ask = (items: string[]): [Command, Actor] => [{ type: 'request_supplement', items: items.map((materialId) => ({ materialId, reason: '不清晰' })) }, lead];
  const answer = (...ids: string[]): [Command, Actor] => [{ type: 'supplement', materials: ids.map((id, i) => upload(id, `S${i}${id}`)) }, applicant];

  it('brings the case back for acceptance once the applicant has supplied everything asked for at once', () => {
    // Prepare / Act: the lead asks once for everything
    const asked = apply(jointCase(), ask(['design-scheme', 'fire-design']));
    // Assess
    expect(asked.status).toBe('awaiting_supplement');
    expect(asked.supplementRequests).toHaveLength(1);
    // Act: the applicant answers
    const answered = apply(asked, answer('design-scheme', 'fire-design'));
    // Assess
    expect(answered.status).toBe('submitted');
    expect(answered.supplementRequests[0]!.answer?.materialIds.sort()).toEqual(['design-scheme', 'fire-design']);
    expect(answered.materials.find((m) => m.materialId === 'design-scheme')).toMatchObject({ uploadId: 'S0design-scheme' });
  });

  const answeredOnce = () => apply(jointCase(), ask(['design-scheme']), answer('design-scheme'));

  it('refuses a second request about a material not asked for before (409)', () => {
    expect(() => apply(answeredOnce(), ask(['fire-design']))).toThrow(Conflict);
  });

  it('refuses a second request that mixes a newly supplied material with one not supplied (409)', () => {
    expect(() => apply(answeredOnce(), ask(['design-scheme', 'fire-design']))).toThrow(Conflict);
  });

  it('allows a follow-up about a newly supplied material', () => {
    expect(apply(answeredOnce(), ask(['design-scheme'])).status).toBe('awaiting_supplement');
  });

  it('records a follow-up as such', () => {
    const r = apply(answeredOnce(), ask(['design-scheme']));
    expect(r.supplementRequests.map((s) => s.followUp)).toEqual([false, true]);
  });

  it('refuses a co-department the request (403)', () => {
    expect(() => apply(jointCase(), [{ type: 'request_supplement', items: [{ materialId: 'fire-design', reason: '缺' }] }, housing])).toThrow(Forbidden);
  });

  it('refuses a request after acceptance (409)', () => {
    expect(() => apply(jointCase(), accept, ask(['fire-design']))).toThrow(IllegalTransition);
  });

  it('refuses a supplement nobody asked for', () => {
    expect(() => apply(jointCase(), answer('design-scheme'))).toThrow(IllegalTransition);
  });

  it('refuses a supplement from anyone but the applicant', () => {
    expect(() => apply(jointCase(), ask(['design-scheme']), [{ type: 'supplement', materials: [] }, lead])).toThrow(IllegalTransition);
  });
});

describe('E1 E2 review: recorded steps, suspension, decisions', () => {
  const allOpinions: Array<[Command, Actor]> = [
    [{ type: 'opinion', opinion: 'agree' }, housing],
    [{ type: 'opinion', opinion: 'agree' }, civilDefence],
  ];

  const suspended = () => apply(jointCase(), accept, [{ type: 'suspend', reason: '等待司法鉴定结果' }, lead]);
  const approved = () => apply(jointCase(), accept, ...allOpinions, [{ type: 'approve' }, lead]);

  it('records an offline step without changing the status', () => {
    const r = apply(jointCase(), accept, [{ type: 'record_step', step: 'site_inspection', result: '现场符合规划条件' }, lead]);
    expect(r.status).toBe('accepted');
  });

  it('records no offline step before acceptance', () => {
    expect(() => apply(jointCase(), [{ type: 'record_step', step: 'expert_review', result: '通过' }, lead])).toThrow(IllegalTransition);
  });

  it('denies (不予许可) with reasons', () => {
    expect(apply(jointCase(), accept, [{ type: 'deny', reasons: ['不符合控制性详细规划'] }, lead]).status).toBe('denied');
  });

  it('refuses a denial without reasons', () => {
    expect(() => apply(jointCase(), accept, [{ type: 'deny', reasons: [] }, lead])).toThrow(RuleViolation);
  });

  it('suspends an accepted case', () => {
    expect(suspended().status).toBe('suspended');
  });

  it('refuses an approval while suspended', () => {
    expect(() => apply(suspended(), ...allOpinions, [{ type: 'approve' }, lead])).toThrow(IllegalTransition);
  });

  it('resumes a suspended case', () => {
    expect(apply(suspended(), [{ type: 'resume' }, lead]).status).toBe('accepted');
  });

  it('approves an accepted case once all opinions are in', () => {
    expect(approved().status).toBe('approved');
  });

  it('lets no department complete an approved case (only the workflow does)', () => {
    expect(() => apply(approved(), [completion('C'), lead])).toThrow(IllegalTransition);
  });
});

describe('E3 joint processing', () => {
  it('lets the lead approve only once every co-department has given its opinion (409 before)', () => {
    // Prepare / Act: the lead accepts
    const accepted = apply(jointCase(), accept);
    // Assess: every co-department is asked
    expect(pendingOpinions(accepted)).toEqual(['fz-zjj', 'fz-rfb']);
    // Act: one co-department answers
    const one = apply(accepted, [{ type: 'opinion', opinion: 'agree', note: '消防设计符合要求' }, housing]);
    // Assess: the other is still awaited, and approval is refused
    expect(pendingOpinions(one)).toEqual(['fz-rfb']);
    expect(() => apply(one, [{ type: 'approve' }, lead])).toThrow(Conflict);
    // Act: the other answers
    const both = apply(one, [{ type: 'opinion', opinion: 'disagree', note: '人防面积不足' }, civilDefence]);
    // Assess: its opinion is kept, and the lead can approve
    expect(both.opinions['fz-rfb']).toMatchObject({ opinion: 'disagree', note: '人防面积不足' });
    expect(apply(both, [{ type: 'approve' }, lead]).status).toBe('approved');
  });

  const oneOpinion = () => apply(jointCase(), accept, [{ type: 'opinion', opinion: 'agree' }, housing]);

  it('takes one opinion per co-department, refusing a second (409)', () => {
    expect(() => apply(oneOpinion(), [{ type: 'opinion', opinion: 'disagree' }, housing])).toThrow(Conflict);
  });

  it('takes no opinion from the lead (403)', () => {
    expect(() => apply(oneOpinion(), [{ type: 'opinion', opinion: 'agree' }, lead])).toThrow(Forbidden);
  });

  it('takes no opinion before acceptance', () => {
    expect(() => apply(jointCase(), [{ type: 'opinion', opinion: 'agree' }, housing])).toThrow(IllegalTransition);
  });

  const wait = { stage: 'opinion', dept: 'fz-zjj', whileStatus: ['accepted' as const], token: 't' };
  const accepted = () => apply(jointCase(), accept);

  it('keeps an opinion wait open while its department has not answered', () => {
    expect(isWaitOver(accepted(), wait)).toBe(false);
  });

  it('keeps an opinion wait open when another department answers', () => {
    expect(isWaitOver(apply(accepted(), [{ type: 'opinion', opinion: 'agree' }, civilDefence]), wait)).toBe(false);
  });

  it('ends an opinion wait when its department answers', () => {
    expect(isWaitOver(apply(accepted(), [{ type: 'opinion', opinion: 'agree' }, housing]), wait)).toBe(true);
  });

  it('ends an opinion wait when the case leaves review', () => {
    expect(isWaitOver(apply(accepted(), [{ type: 'withdraw' }, applicant]), wait)).toBe(true);
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

  it('is refused after a decision (409)', () => {
    expect(() => apply(jointCase(), [{ type: 'reject', reasons: ['理由'] }, lead], [{ type: 'withdraw' }, applicant])).toThrow(IllegalTransition);
  });

  it('is refused to anyone but the applicant', () => {
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
