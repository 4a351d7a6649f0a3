import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Companion } from '../../ports/cases.ts';
import { EXISTS, NOT_EXISTS } from './client.ts';
import { decisionStatsKey, materialStatsKey, usedDaysAttribute } from './decision-stats.ts';
import { DeliveryEntity } from './deliveries.ts';
import { CertificateEntity, IdempotencyEntity, UploadEntity, VerificationEntity, WebhookSeenEntity } from './records.ts';
import { entity } from './table.ts';
import { TimerEntity } from './timers.ts';
import { WorkflowRunEntity } from './workflow-runs.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** SUPCODE#<code> · SUPCODE: a supervision code taken (unique across cases). */
export const SupervisionCodeEntity = entity<{ code: string }, { code: string; caseId: string }>('supervisionCode', {
  key: (s) => ({ pk: `SUPCODE#${s.code}`, sk: 'SUPCODE' }),
});

const ttl = (at: Date) => Math.floor(at.getTime() / 1000);

/** A companion of a case change as one item of its transaction. */
export function companionItem(TableName: string, c: Companion): TransactItem {
  switch (c.kind) {
    case 'reserveSupervisionCode':
      return { Put: { TableName, Item: SupervisionCodeEntity.item({ code: c.code, caseId: c.caseId }), ConditionExpression: NOT_EXISTS } };
    case 'claimUpload':
      return {
        Update: {
          TableName,
          Key: UploadEntity.key({ uploadId: c.uploadId }),
          UpdateExpression: 'SET caseId = :case',
          ConditionExpression: `${EXISTS} AND #owner = :owner AND attribute_not_exists(caseId)`,
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':case': c.caseId, ':owner': c.owner },
        },
      };
    case 'rememberResponse':
      return { Put: { TableName, Item: IdempotencyEntity.item(c.record, { ttl: ttl(c.expiresAt) }), ConditionExpression: NOT_EXISTS } };
    case 'putCertificate':
      return { Put: { TableName, Item: CertificateEntity.item(c.certificate), ConditionExpression: NOT_EXISTS } };
    case 'publishCertificate':
      return { Put: { TableName, Item: VerificationEntity.item(c.verification), ConditionExpression: NOT_EXISTS } };
    case 'enqueueDelivery':
      return { Put: { TableName, Item: DeliveryEntity.item(c.delivery), ConditionExpression: NOT_EXISTS } };
    case 'countDecision':
      return {
        Update: {
          TableName,
          Key: decisionStatsKey(c.month, c.deptCode),
          UpdateExpression: 'SET #month = :month, deptCode = :dept ADD decided :one, onTime :onTime, #used :one',
          ExpressionAttributeNames: { '#month': 'month', '#used': usedDaysAttribute(c.usedWorkingDays) },
          ExpressionAttributeValues: { ':month': c.month, ':dept': c.deptCode, ':one': 1, ':onTime': c.onTime ? 1 : 0 },
        },
      };
    case 'countMaterials':
      return {
        Update: {
          TableName,
          Key: materialStatsKey(c.month, c.serviceItemCode, c.caseId),
          UpdateExpression: 'SET #month = :month, serviceItemCode = :item ADD fetched :fetched, given :given',
          ExpressionAttributeNames: { '#month': 'month' },
          ExpressionAttributeValues: { ':month': c.month, ':item': c.serviceItemCode, ':fetched': c.fetched, ':given': c.given },
        },
      };
    case 'registerWorkflow':
      return { Put: { TableName, Item: WorkflowRunEntity.item({ caseId: c.caseId, attempt: 1, status: 'starting', since: c.since }), ConditionExpression: NOT_EXISTS } };
    case 'followUp':
      return { Put: { TableName, Item: TimerEntity.item(c.timer), ConditionExpression: NOT_EXISTS } };
    case 'rememberWebhook':
      return { Put: { TableName, Item: WebhookSeenEntity.item({ deptCode: c.deptCode, webhookId: c.webhookId }, { ttl: ttl(c.expiresAt) }), ConditionExpression: NOT_EXISTS } };
  }
}
