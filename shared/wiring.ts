import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { S3BlobStore } from './adapters/s3/blob-store.ts';
import { DynamoStore } from './adapters/dynamodb/store.ts';
import { StepFunctionsWorkflow } from './adapters/sfn/workflow.ts';
import { config } from './config.ts';
import { systemClock, type Clock } from './ports/clock.ts';
import { depsOnOneTable, type Deps } from './usecases/deps.ts';

/**
 * Builds the adapters from configuration. In AWS the SDK finds its endpoints itself; locally the
 * standard AWS_ENDPOINT_URL_* variables point the very same clients at the stand-ins.
 */
export function buildDeps(overrides: { clock?: Clock } = {}): Deps {
  const store = new DynamoStore(new DynamoDBClient({}), config.tableName);
  const s3 = new S3Client({
    forcePathStyle: config.s3ForcePathStyle,
    // Only add checksums we ask for; the default would sign a CRC32 of an empty body into PUT URLs.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return depsOnOneTable(store, {
    blobs: new S3BlobStore(s3, config.bucketName),
    workflow: new StepFunctionsWorkflow(new SFNClient({}), config.stateMachineArn),
    clock: overrides.clock ?? systemClock,
    realClock: systemClock,
    regionCode: config.regionCode,
  });
}

let deps: Deps | undefined;
/** One set of clients per Lambda module, created on first use. */
export function lambdaDeps(): Deps {
  deps ??= buildDeps();
  return deps;
}
