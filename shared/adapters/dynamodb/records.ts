import type { YearArrangement } from '../../domain/calendar.ts';
import type { Certificate, Department, IdempotencyRecord, RevokedCertificate, Upload } from '../../domain/records.ts';
import type { GuideRevision } from '../../catalog/types.ts';
import { Conflict, NotFound } from '../../errors.ts';
import type { CalendarRepository, CatalogRepository, CertificateRepository, DepartmentRepository, IdempotencyStore, ProgressRepository, UploadRepository, VerificationRepository, WebhookLog } from '../../ports/records.ts';
import type { CaseProgress } from '../../domain/progress.ts';
import { verificationOf, type CertificateVerification } from '../../domain/certificate.ts';
import { conditionHolds, EXISTS, NOT_EXISTS, type TableClient } from './client.ts';
import { entity } from './table.ts';
import { documentSdk } from '../provided.ts';

const { PutCommand, TransactWriteCommand, UpdateCommand } = documentSdk();

// ---- the entities kept beside cases, each alone in its partition (calendar and guides: one partition each) --

/** UPLOAD#<uploadId> · UPLOAD */
export const UploadEntity = entity<{ uploadId: string }, Upload>('upload', { key: (u) => ({ pk: `UPLOAD#${u.uploadId}`, sk: 'UPLOAD' }) });
/** DEPT#<code> · DEPT */
export const DepartmentEntity = entity<{ code: string }, Department>('department', { key: (d) => ({ pk: `DEPT#${d.code}`, sk: 'DEPT' }) });
/** CERT#<id> · CERT; gsi1 HOLDER#<sub> · CERT#<issuedAt>#<id> */
export const CertificateEntity = entity<{ certificateId: string }, Certificate>('certificate', {
  key: (c) => ({ pk: `CERT#${c.certificateId}`, sk: 'CERT' }),
  indexes: { gsi1: (c) => ({ pk: `HOLDER#${c.holder.id}`, sk: `CERT#${c.issuedAt}#${c.certificateId}` }) },
});
/** VERIFY#<supervisionCode> · CERT#<id>: a certificate's public fields; with the catalog, all an anonymous route may read. */
export const VERIFY_PREFIX = 'VERIFY#';
export const VerificationEntity = entity<{ supervisionCode: string; certificateId: string }, CertificateVerification>('verification', {
  key: (v) => ({ pk: `${VERIFY_PREFIX}${v.supervisionCode}`, sk: `CERT#${v.certificateId}` }),
});
/** IDEMP#<scope>#<key> · IDEMP (expires by ttl) */
export const IdempotencyEntity = entity<{ scope: string; key: string }, IdempotencyRecord>('idempotency', {
  key: (r) => ({ pk: `IDEMP#${r.scope}#${r.key}`, sk: 'IDEMP' }),
});
/** HOOK#<dept>#<webhookId> · HOOK (expires by ttl): a webhook id seen */
export const WebhookSeenEntity = entity<{ deptCode: string; webhookId: string }, { deptCode: string; webhookId: string }>('webhook', {
  key: (w) => ({ pk: `HOOK#${w.deptCode}#${w.webhookId}`, sk: 'HOOK' }),
});
/** CALENDAR · YEAR#<yyyy> */
const CALENDAR = 'CALENDAR';
export const CalendarYearEntity = entity<{ year: number }, YearArrangement>('calendar', { key: (y) => ({ pk: CALENDAR, sk: `YEAR#${y.year}` }) });
/** CATALOG · ITEM#<code>#<version:6>: the one partition anonymous routes may read (infra/constructs/platform-function.ts). */
export const CATALOG_PARTITION = 'CATALOG';
export const GuideRevisionEntity = entity<{ code: string; version: number }, GuideRevision>('guide', {
  key: (g) => ({ pk: CATALOG_PARTITION, sk: `ITEM#${g.code}#${String(g.version).padStart(6, '0')}` }),
});

export class DynamoUploads implements UploadRepository {
  constructor(private readonly table: TableClient) {}

  async putUpload(upload: Upload): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: UploadEntity.item(upload), ConditionExpression: NOT_EXISTS }));
  }

  getUpload(uploadId: string): Promise<Upload | undefined> {
    return this.table.get(UploadEntity, { uploadId });
  }

  markStored(uploadId: string, stored: NonNullable<Upload['stored']>): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({ TableName: this.table.name, Key: UploadEntity.key({ uploadId }), UpdateExpression: 'SET #stored = :s', ConditionExpression: EXISTS, ExpressionAttributeNames: { '#stored': 'stored' }, ExpressionAttributeValues: { ':s': stored } }),
      ),
    );
  }
}

export class DynamoDepartments implements DepartmentRepository {
  constructor(private readonly table: TableClient) {}

  getDepartment(code: string): Promise<Department | undefined> {
    return this.table.get(DepartmentEntity, { code });
  }

  async createDepartment(dept: Department): Promise<void> {
    const put = new PutCommand({ TableName: this.table.name, Item: DepartmentEntity.item(dept), ConditionExpression: NOT_EXISTS });
    if (!(await conditionHolds(this.table.doc.send(put)))) throw new Conflict(`department ${dept.code} already exists`);
  }

  async updateDepartment(dept: Department): Promise<void> {
    const put = new PutCommand({ TableName: this.table.name, Item: DepartmentEntity.item(dept), ConditionExpression: EXISTS });
    if (!(await conditionHolds(this.table.doc.send(put)))) throw new NotFound(`department ${dept.code} does not exist`);
  }
}

/** Certificates, idempotent replies and webhook ids: written only as a case's companions, read here. */
export class DynamoReplies implements CertificateRepository, IdempotencyStore, WebhookLog {
  constructor(private readonly table: TableClient) {}

  getCertificate(certificateId: string): Promise<Certificate | undefined> {
    return this.table.get(CertificateEntity, { certificateId }, { consistent: false });
  }

  async listHolderCertificates(holderId: string): Promise<Certificate[]> {
    const items = await this.table.queryAll({ index: 'gsi1', partition: `HOLDER#${holderId}`, sk: { prefix: 'CERT#' }, newestFirst: true });
    return items.map(CertificateEntity.parse);
  }

  async revokeCertificate(revoked: RevokedCertificate): Promise<boolean> {
    const TableName = this.table.name;
    return conditionHolds(
      this.table.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: CertificateEntity.key(revoked),
                UpdateExpression: 'SET #status = :revoked, #revoked = :r',
                ConditionExpression: `${EXISTS} AND (attribute_not_exists(#status) OR #status <> :revoked)`,
                ExpressionAttributeNames: { '#status': 'status', '#revoked': 'revoked' },
                ExpressionAttributeValues: { ':revoked': 'revoked', ':r': revoked.revoked },
              },
            },
            // Written whole: a certificate issued before they were kept gets one now.
            { Put: { TableName, Item: VerificationEntity.item(verificationOf(revoked)) } },
          ],
        }),
      ),
    );
  }

  getResponse(scope: string, key: string): Promise<IdempotencyRecord | undefined> {
    return this.table.get(IdempotencyEntity, { scope, key });
  }

  async seen(deptCode: string, webhookId: string): Promise<boolean> {
    return (await this.table.get(WebhookSeenEntity, { deptCode, webhookId })) !== undefined;
  }
}

export class DynamoCalendar implements CalendarRepository {
  constructor(private readonly table: TableClient) {}

  async putCalendarYear(arrangement: YearArrangement): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.name, Item: CalendarYearEntity.item(arrangement) }));
  }

  async listCalendarYears(): Promise<YearArrangement[]> {
    return (await this.table.queryAll({ partition: CALENDAR })).map(CalendarYearEntity.parse);
  }
}

/** PROGRESS#<code> · PROGRESS: a case's public progress (H1), written with each of its steps (cases.ts), read by the anonymous lookup. */
export const PROGRESS_PREFIX = 'PROGRESS#';
export const progressKey = (supervisionCode: string) => ({ pk: `${PROGRESS_PREFIX}${supervisionCode}`, sk: 'PROGRESS' });
/** The progress item's counter of wrong names on a day: `misses_<YYYY-MM-DD>`, the only attribute the anonymous function may write. */
export const MISSES = 'misses_';

export class DynamoProgress implements ProgressRepository {
  constructor(private readonly table: TableClient) {}

  // A Query, not a GetItem: the anonymous function's grant is Query (and UpdateItem of the misses) on its partitions only.
  async getProgress(supervisionCode: string): Promise<CaseProgress | undefined> {
    const [item] = await this.table.queryAll({ partition: progressKey(supervisionCode).pk });
    if (!item) return undefined;
    const misses: Record<string, number> = {};
    const progress: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(item)) {
      if (k.startsWith(MISSES)) misses[k.slice(MISSES.length)] = Number(v);
      else if (k !== 'pk' && k !== 'sk') progress[k] = v;
    }
    return { ...(progress as CaseProgress), misses };
  }

  async recordMiss(supervisionCode: string, day: string): Promise<void> {
    // No item (the case is gone): nothing to count on.
    await conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: progressKey(supervisionCode),
          UpdateExpression: 'ADD #day :one',
          ConditionExpression: EXISTS,
          ExpressionAttributeNames: { '#day': `${MISSES}${day}` },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
  }
}

export class DynamoVerifications implements VerificationRepository {
  constructor(private readonly table: TableClient) {}

  async findVerifications(supervisionCode: string): Promise<CertificateVerification[]> {
    return (await this.table.queryAll({ partition: `${VERIFY_PREFIX}${supervisionCode}` })).map(VerificationEntity.parse);
  }
}

export class DynamoCatalog implements CatalogRepository {
  constructor(private readonly table: TableClient) {}

  async listGuideRevisions(): Promise<GuideRevision[]> {
    return (await this.table.queryAll({ partition: CATALOG_PARTITION })).map(GuideRevisionEntity.parse);
  }

  async publishGuideRevision(revision: GuideRevision): Promise<void> {
    const put = new PutCommand({ TableName: this.table.name, Item: GuideRevisionEntity.item(revision), ConditionExpression: NOT_EXISTS });
    if (!(await conditionHolds(this.table.doc.send(put)))) throw new Conflict(`version ${revision.version} of ${revision.code} was published meanwhile`);
  }
}
