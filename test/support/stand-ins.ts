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

type StandIns = { dynamoEndpoint: string; s3Endpoint: string; stop: () => Promise<void> };
/** Shared by the projects that ask for them (global setups run per project, in one process). */
let shared: { users: number; ready: Promise<StandIns> } | undefined;

async function start(): Promise<StandIns> {
  const dir = mkdtempSync(join(tmpdir(), 'ywtb-standins-'));
  const dynamo = await startDynamoDbLocal(join(dir, 'dynamodb'));
  const s3 = await startS3Local(join(dir, 's3'), [TEST_BUCKET]);
  return {
    dynamoEndpoint: dynamo.endpoint,
    s3Endpoint: s3.endpoint,
    stop: async () => {
      await s3.stop();
      await dynamo.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One DynamoDB Local and one s3rver for the whole run, in a throw-away folder, whichever projects use them. */
export default async function setup(project: TestProject) {
  shared ??= { users: 0, ready: start() };
  shared.users++;
  const standIns = await shared.ready;
  project.provide('dynamoEndpoint', standIns.dynamoEndpoint);
  project.provide('s3Endpoint', standIns.s3Endpoint);
  return async () => {
    if (!shared || --shared.users > 0) return;
    shared = undefined;
    await standIns.stop();
  };
}
