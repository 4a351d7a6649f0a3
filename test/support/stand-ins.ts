import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.ts';
import { startS3Local } from '../../infra/local/s3-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    s3Endpoint: string;
  }
}

export const TEST_BUCKET = 'test-files';

/** One DynamoDB Local and one s3rver for the whole run, in a throw-away folder. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'ywtb-standins-'));
  const dynamo = await startDynamoDbLocal(join(dir, 'dynamodb'));
  const s3 = await startS3Local(join(dir, 's3'), [TEST_BUCKET]);
  project.provide('dynamoEndpoint', dynamo.endpoint);
  project.provide('s3Endpoint', s3.endpoint);
  return async () => {
    await s3.stop();
    await dynamo.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
