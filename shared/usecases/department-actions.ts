import { Webhook } from 'standardwebhooks';
import { findItem } from '../catalog/index.ts';
import { INBOUND_ACTIONS, ROLES_FOR } from '../domain/actions/index.ts';
import type { CaseRecord, Command } from '../domain/case.ts';
import { Conflict, Forbidden, MalformedRequest, NotFound, PayloadTooLarge, RuleViolation, Unauthenticated } from '../errors.ts';
import type { Principal } from '../domain/principal.ts';
import { MaterialLinkQuery, StaffAction, WebhookIn } from '../schemas/api.ts';
import { validate } from '../schemas/validate.ts';
import { actOnCase, caseFor, type Action } from './case-actions.ts';
import type { Deps } from './deps.ts';
import { activeSecrets, loadDepartment } from './departments.ts';
import { draftNotices } from './notices.ts';
import { openMaterial } from './materials.ts';

export const MAX_WEBHOOK_BYTES = 256 * 1024;

/** The command a department's message asks for (its data validated against the action's schema). */
function toAction(caseId: string, msg: { type: string; data: Record<string, unknown> }): Action {
  const action = INBOUND_ACTIONS.get(msg.type);
  if (!action) throw new MalformedRequest(`no department action ${msg.type}`);
  const { note, ...data } = msg.data;
  const said = typeof note === 'string' && note ? note : undefined;
  const command: Command = action.inbound.command(data, said);
  return { caseId, command, ...(said ? { note: said } : {}) };
}

/** A supplement request names materials of the case's guide, each once (D2). */
function checkSupplementItems(record: CaseRecord, action: Action): void {
  if (action.command.type !== 'request_supplement') return;
  const item = findItem(record.serviceItem.code);
  const known = new Set(item?.materials.map((m) => m.id));
  const seen = new Set<string>();
  const errors = action.command.items.flatMap((i, n) => {
    const path = `data.items.${n}.materialId`;
    if (!known.has(i.materialId)) return [{ path, message: `"${i.materialId}" is not a material of ${record.serviceItem.code}` }];
    if (seen.has(i.materialId)) return [{ path, message: `"${i.materialId}" is listed twice` }];
    seen.add(i.materialId);
    return [];
  });
  if (errors.length) throw new RuleViolation('the supplement request names unknown materials', errors);
}

/** A department's action: a case action with the notices it issues. */
export type DepartmentActionDeps = Pick<Deps, 'cases' | 'departments' | 'blobs' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

async function act(deps: DepartmentActionDeps, deptCode: string, via: 'webhook' | 'staff', action: Action, extra: { webhookId?: string; staffId?: string } = {}) {
  const actor = { kind: 'department' as const, id: deptCode, via, ...(extra.staffId ? { staffId: extra.staffId } : {}) };
  return actOnCase(deps, actor, action, {
    webhookId: extra.webhookId,
    check: (record) => checkSupplementItems(record, action),
    notices: (next) => draftNotices(deps, next, action.command),
  });
}

function verify(secrets: string[], headers: Record<string, string | undefined>, rawBody: string): void {
  const wanted = { 'webhook-id': headers['webhook-id'] ?? '', 'webhook-timestamp': headers['webhook-timestamp'] ?? '', 'webhook-signature': headers['webhook-signature'] ?? '' };
  for (const secret of secrets) {
    try {
      // Constant-time comparison and the ±5 minute timestamp window are the library's.
      // The signature only: a signed body that is not JSON is the sender's mistake (400), said below.
      new Webhook(secret).verify(rawBody, wanted, { jsonParse: false });
      return;
    } catch {
      // try the next active secret (rotation overlap)
    }
  }
  throw new Unauthenticated('the webhook signature does not verify, or its timestamp is outside ±5 minutes');
}

/** A department's webhook: its secrets, the ids it has sent, and the action or material link it asks for. */
export type DepartmentWebhookDeps = Pick<Deps, 'cases' | 'departments' | 'webhooks' | 'blobs' | 'clock' | 'realClock' | 'calendars' | 'defaultArrangement' | 'metrics'>;

/** POST /hooks/departments/{deptCode}: verify, parse, deduplicate, act. */
export async function receiveDepartmentWebhook(deps: DepartmentWebhookDeps, deptCode: string, headers: Record<string, string | undefined>, rawBody: string) {
  if (Buffer.byteLength(rawBody, 'utf8') > MAX_WEBHOOK_BYTES) throw new PayloadTooLarge(`a webhook body may be at most ${MAX_WEBHOOK_BYTES} bytes`);
  // Standard Webhooks ids are short tokens; the id becomes part of a key (at most 2 KB in DynamoDB).
  const id = headers['webhook-id'];
  if (id !== undefined && !/^[\x21-\x7e]{1,200}$/.test(id)) throw new MalformedRequest('webhook-id must be 1 to 200 printable ASCII characters');
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
  const repeat = async (caseId: string) => {
    const record = await caseFor(deps, { kind: 'department', id: deptCode, via: 'webhook' }, caseId);
    return { status: 202 as const, body: { received: true as const, caseId: record.caseId, status: record.status, duplicate: true } };
  };
  if (msg.type === 'material.link') {
    // A query: answered at once (every repeat gets a fresh link), the opening recorded once.
    const query = validate(MaterialLinkQuery, json, '', 'the webhook');
    const link = await openMaterial(deps, { kind: 'department', id: deptCode, via: 'webhook' }, query.caseId, query.data.materialId, { webhookId });
    return { status: 200 as const, body: link };
  }
  if (await deps.webhooks.seen(deptCode, webhookId)) return repeat(msg.caseId);
  const { type, data } = msg;
  try {
    const { record, duplicate } = await act(deps, deptCode, 'webhook', toAction(msg.caseId, { type, data }), { webhookId });
    return { status: 202 as const, body: { received: true as const, caseId: record.caseId, status: record.status, duplicate } };
  } catch (err) {
    // A copy sent at the same moment as the first: the first's commit (which remembers this id in
    // the same transaction) is what made this one's action impossible. It gets the first's answer.
    if (err instanceof Conflict && (await deps.webhooks.seen(deptCode, webhookId))) return repeat(msg.caseId);
    throw err;
  }
}

/** POST /department/cases/{caseId}/actions: the same actions, by staff whose role allows them. */
export async function staffAction(deps: DepartmentActionDeps, principal: Principal | undefined, caseId: string, msg: StaffAction) {
  if (principal?.kind !== 'staff' || !principal.dept) throw new Forbidden('department staff only');
  const action = toAction(caseId, msg);
  const allowed = ROLES_FOR.get(msg.type) ?? [];
  if (!principal.roles.some((r) => allowed.includes(r))) {
    throw new Forbidden(`${msg.type} needs the role ${allowed.join(' or ')}; you have ${principal.roles.join(', ') || 'none'}`);
  }
  const { record } = await act(deps, principal.dept, 'staff', action, { staffId: principal.sub });
  return { caseId: record.caseId, status: record.status };
}
