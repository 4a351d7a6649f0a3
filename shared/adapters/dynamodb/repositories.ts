import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoCases } from './cases.ts';
import { TableClient } from './client.ts';
import { DynamoDecisionStats } from './decision-stats.ts';
import { DynamoDeliveries } from './deliveries.ts';
import { DynamoMigrations } from './migrations/index.ts';
import { DynamoCalendar, DynamoCatalog, DynamoDepartments, DynamoProgress, DynamoReplies, DynamoUploads, DynamoVerifications } from './records.ts';
import { DynamoTimers } from './timers.ts';
import { DynamoArchives } from './archives.ts';
import { DynamoWorkflowRuns } from './workflow-runs.ts';

/** Every repository on the single table, sharing one document client. */
export function dynamoRepositories(client: DynamoDBClient, tableName: string) {
  const table = new TableClient(client, tableName);
  const replies = new DynamoReplies(table);
  return {
    cases: new DynamoCases(table),
    workflowRuns: new DynamoWorkflowRuns(table),
    uploads: new DynamoUploads(table),
    departments: new DynamoDepartments(table),
    certificates: replies,
    idempotency: replies,
    webhooks: replies,
    deliveries: new DynamoDeliveries(table),
    calendars: new DynamoCalendar(table),
    catalog: new DynamoCatalog(table),
    verifications: new DynamoVerifications(table),
    progress: new DynamoProgress(table),
    archives: new DynamoArchives(table),
    stats: new DynamoDecisionStats(table),
    timers: new DynamoTimers(table),
    migrations: new DynamoMigrations(table),
  };
}

export type DynamoRepositories = ReturnType<typeof dynamoRepositories>;
