import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { inject } from 'vitest';
import { S3BlobStore } from '#shared/adapters/s3/blob-store.ts';
import { DynamoStore } from '#shared/adapters/dynamodb/store.ts';
import { MovableClock, systemClock } from '#shared/ports/clock.ts';
import type { Workflow } from '#shared/ports/index.ts';
import type { Deps } from '#shared/usecases/deps.ts';
import { ensureTable } from '../../infra/local/dynamodb-local.ts';
import { S3RVER_CREDENTIALS } from '../../infra/local/s3-local.ts';
import { TEST_BUCKET } from './stand-ins.ts';

const region = 'us-east-1';

export function dynamoClient() {
  return new DynamoDBClient({ endpoint: inject('dynamoEndpoint'), region, credentials: S3RVER_CREDENTIALS });
}

export function s3Client() {
  return new S3Client({
    endpoint: inject('s3Endpoint'),
    region,
    credentials: S3RVER_CREDENTIALS,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A table of its own for each test file, so files run in parallel without seeing each other. */
export async function freshStore(): Promise<{ store: DynamoStore; client: DynamoDBClient; tableName: string }> {
  const client = dynamoClient();
  const tableName = `t-${randomUUID()}`;
  await ensureTable(client, tableName);
  return { store: new DynamoStore(client, tableName), client, tableName };
}

/** Records what the use cases ask of the workflow. */
export class RecordingWorkflow implements Workflow {
  started: string[] = [];
  resumed: Array<{ token: string; output: Record<string, unknown> }> = [];
  async start(caseId: string) {
    this.started.push(caseId);
  }
  async resume(token: string, output: Record<string, unknown>) {
    this.resumed.push({ token, output });
    return true;
  }
}

/** The use cases' dependencies on the real local stand-ins, with a recording workflow by default. */
export async function integrationDeps(overrides: Partial<Deps> = {}): Promise<Deps & { workflow: Workflow; clock: MovableClock }> {
  const { store } = await freshStore();
  return {
    cases: store,
    uploads: store,
    departments: store,
    certificates: store,
    idempotency: store,
    webhooks: store,
    blobs: new S3BlobStore(s3Client(), TEST_BUCKET),
    workflow: new RecordingWorkflow(),
    clock: new MovableClock(),
    realClock: systemClock,
    regionCode: '350100',
    ...overrides,
  } as Deps & { workflow: Workflow; clock: MovableClock };
}
