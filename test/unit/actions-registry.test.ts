import { describe, expect, it } from 'vitest';
import { ACTIONS, INBOUND_ACTIONS, ROLES_FOR, SHOWN_TO_APPLICANT } from '#shared/domain/actions/index.ts';
import { StaffAction, WebhookIn } from '#shared/schemas/api.ts';

describe('B3 E1 the case actions, each defined once', () => {
  it('gives every action its own command', () => {
    expect(new Set(ACTIONS.map((a) => a.command)).size).toBe(ACTIONS.length);
  });

  it('gives every action its own audit event', () => {
    expect(new Set(ACTIONS.map((a) => a.event)).size).toBe(ACTIONS.length);
  });

  describe('the actions a department sends', () => {
    const sent = ACTIONS.flatMap((a) => ('inbound' in a && a.inbound ? [a.inbound.type] : []));

    it('are the inbound actions, in order', () => {
      expect(sent).toEqual([...INBOUND_ACTIONS.keys()]);
    });

    it('are exactly what staff may send', () => {
      expect(StaffAction.options.map((o) => o.shape.type.value)).toEqual(sent);
    });

    it('are, with material.link, exactly what the signed webhook accepts', () => {
      expect(WebhookIn.options.map((o) => o.shape.type.value)).toEqual([...sent, 'material.link']);
    });

    it('each need their roles', () => {
      expect(Object.fromEntries(ROLES_FOR)).toEqual({
        'case.accept': ['reviewer'],
        'case.reject': ['reviewer'],
        'case.request_supplement': ['reviewer'],
        'case.record_step': ['reviewer', 'approver'],
        'case.opinion': ['reviewer', 'approver'],
        'case.suspend': ['approver'],
        'case.resume': ['approver'],
        'case.extend': ['approver'],
        'case.approve': ['approver'],
        'case.deny': ['approver'],
        'case.issue_offline': ['approver'],
        'case.explain': ['approver'],
        'supervision.respond': ['approver'],
      });
    });
  });

  it('shows the applicant the details of refusals, requests, recorded steps, clock changes, supervision, a paper issue and a mailing, and not of the rest', () => {
    expect([...SHOWN_TO_APPLICANT].sort()).toEqual(
      [
        'case.rejected',
        'case.supplement_requested',
        'case.denied',
        'case.step_recorded',
        'case.suspended',
        'case.extended',
        'case.opinion_given',
        'case.light_changed',
        'case.delay_explained',
        'case.supervision_opened',
        'case.supervision_answered',
        'case.supervision_escalated',
        'case.material_opened',
        'case.issued_offline',
        'case.dispatched',
      ].sort(),
    );
  });
});
