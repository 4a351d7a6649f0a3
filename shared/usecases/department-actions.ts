import { Webhook } from 'standardwebhooks';
import { decide, type Actor, type CaseRecord, type Command } from '../domain/case.ts';
import { ConcurrentModification, Forbidden, MalformedRequest, NotFound, PayloadTooLarge, Unauthenticated } from '../errors.ts';
import { DuplicateCompanion, type Companion } from '../ports/index.ts';
import { WebhookIn } from '../schemas/api.ts';
import { validate } from '../schemas/validate.ts';
import { toShanghaiIso } from '../time.ts';
import type { Deps } from './deps.ts';
import { activeSecrets, loadDepartment } from './departments.ts';

export const MAX_WEBHOOK_BYTES = 256 * 1024;
/** Repeated webhook ids are remembered at least this long (Standard Webhooks asks for the tolerance window; we keep a day). */
const REMEMBER_WEBHOOK_MS = 24 * 3600_000;
const MAX_ATTEMPTS = 5;

type Action = { caseId: string; command: Command; note?: string };

/** Commands only the lead department may give. */
const LEAD_ONLY: ReadonlySet<Command['type']> = new Set(['accept', 'approve']);

function verify(secrets: string[], headers: Record<string, string | undefined>, rawBody: string): void {
  const wanted = { 'webhook-id': headers['webhook-id'] ?? '', 'webhook-timestamp': headers['webhook-timestamp'] ?? '', 'webhook-signature': headers['webhook-signature'] ?? '' };
  for (const secret of secrets) {
    try {
      // Constant-time comparison and the ±5 minute timestamp window are the library's.
      new Webhook(secret).verify(rawBody, wanted);
      return;
    } catch {
      // try the next active secret (rotation overlap)
    }
  }
  throw new Unauthenticated('the webhook signature does not verify, or its timestamp is outside ±5 minutes');
}

/**
 * One department action on a case: decide the transition, write it with its audit event in one
 * transaction (retrying when someone else changed the case meanwhile, after which the decision is
 * taken again and may well be refused), then wake the workflow step waiting for it.
 */
export async function actOnCase(deps: Deps, actor: Extract<Actor, { kind: 'department' }>, action: Action, webhookId?: string) {
  for (let attempt = 1; ; attempt++) {
    const record = await deps.cases.get(action.caseId);
    if (!record || !involves(record, actor.id)) throw new NotFound(`no case ${action.caseId} for department ${actor.id}`);
    if (LEAD_ONLY.has(action.command.type) && record.leadDepartment !== actor.id) {
      throw new Forbidden(`only the lead department ${record.leadDepartment} can ${action.command.type} this case`);
    }
    const at = toShanghaiIso(deps.clock.now());
    const { record: next, event } = decide(record, action.command, actor, at, action.note);
    const companions: Companion[] = webhookId
      ? [{ kind: 'rememberWebhook', deptCode: actor.id, webhookId, expiresAt: new Date(deps.realClock.now().getTime() + REMEMBER_WEBHOOK_MS) }]
      : [];
    try {
      await deps.cases.commit({ record: next, event, expectedVersion: record.version, companions });
    } catch (err) {
      if (err instanceof ConcurrentModification && attempt < MAX_ATTEMPTS) continue;
      if (err instanceof DuplicateCompanion && err.has('rememberWebhook')) return { record, duplicate: true };
      throw err;
    }
    // Read the wait only after the commit: a step that registers later sees the new status itself.
    const wait = await deps.cases.getWait(record.caseId);
    if (wait && event.fromStatus && wait.whileStatus.includes(event.fromStatus)) {
      await deps.workflow.resume(wait.token, { event: event.type });
    }
    return { record: next, duplicate: false };
  }
}

function involves(record: CaseRecord, dept: string): boolean {
  return record.leadDepartment === dept || record.coDepartments.includes(dept);
}

function toAction(msg: WebhookIn): Action {
  switch (msg.type) {
    case 'case.accept':
      return { caseId: msg.caseId, command: { type: 'accept' }, note: msg.data.note };
    case 'case.approve':
      return { caseId: msg.caseId, command: { type: 'approve', certificate: msg.data.certificate }, note: msg.data.note };
  }
}

/** POST /hooks/departments/{deptCode}: verify, parse, deduplicate, act. */
export async function receiveDepartmentWebhook(deps: Deps, deptCode: string, headers: Record<string, string | undefined>, rawBody: string) {
  if (Buffer.byteLength(rawBody, 'utf8') > MAX_WEBHOOK_BYTES) throw new PayloadTooLarge(`a webhook body may be at most ${MAX_WEBHOOK_BYTES} bytes`);
  const found = await loadDepartment(deps, deptCode);
  if (!found) throw new NotFound(`no department ${deptCode}`);
  verify(activeSecrets(found.dept, deps.realClock.now()), headers, rawBody);
  let json: unknown;
  try {
    json = JSON.parse(rawBody);
  } catch {
    throw new MalformedRequest('the body is not valid JSON');
  }
  const msg = validate(WebhookIn, json, '', 'the webhook');
  const webhookId = headers['webhook-id']!;
  const actor = { kind: 'department' as const, id: deptCode, via: 'webhook' as const };
  if (await deps.webhooks.seen(deptCode, webhookId)) {
    const record = await deps.cases.get(msg.caseId);
    if (!record || !involves(record, deptCode)) throw new NotFound(`no case ${msg.caseId} for department ${deptCode}`);
    return { received: true as const, caseId: record.caseId, status: record.status, duplicate: true };
  }
  const { record, duplicate } = await actOnCase(deps, actor, toAction(msg), webhookId);
  return { received: true as const, caseId: record.caseId, status: record.status, duplicate };
}
