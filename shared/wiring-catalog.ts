import { TableClient } from './adapters/dynamodb/client.ts';
import { DynamoCatalog } from './adapters/dynamodb/records.ts';
import { dynamoRepositories, type DynamoRepositories } from './adapters/dynamodb/repositories.ts';
import { config } from './config.ts';
import { traced } from './log.ts';
import { systemClock } from './ports/clock.ts';
import type { CatalogDeps } from './usecases/catalog.ts';
import type { Deps } from './usecases/deps.ts';
import type { Signer } from './ports/signer.ts';
import { kmsSdk } from './adapters/provided.ts';
import { KmsSigner } from './adapters/signing/kms-signer.ts';
import { LocalSigner } from './adapters/signing/local-signer.ts';
import { dynamodbSdk } from './adapters/provided.ts';

const { DynamoDBClient } = dynamodbSdk();

/** The single table from the environment (TABLE_NAME), as every function reaches it. */
export const tableFromEnv = (): DynamoRepositories => dynamoRepositories(traced(new DynamoDBClient({})), config.tableName);

let signing: Pick<Deps, 'signer'> | undefined;
/** The certificate signer's published keys (GET /.well-known/jwks.json), built on first use. */
export function signingDeps(): Pick<Deps, 'signer'> {
  signing ??= { signer: signerFromEnv() };
  return signing;
}

/** The signer configuration names (config.signing): a key file locally, KMS keys in AWS. */
export function signerFromEnv(): Signer {
  const signing = config.signing;
  return signing.kind === 'file' ? new LocalSigner(signing.file) : new KmsSigner(traced(new (kmsSdk().KMSClient)({})), signing.keyIds);
}

let deps: CatalogDeps | undefined;
/**
 * public-api's dependencies: only the catalog's published revisions. Kept apart from
 * shared/wiring.ts so the anonymous, most-called function bundles none of the other adapters.
 */
export function catalogDeps(): CatalogDeps {
  let store: DynamoCatalog | undefined;
  deps ??= {
    realClock: systemClock,
    get catalog() {
      return (store ??= new DynamoCatalog(new TableClient(traced(new DynamoDBClient({})), config.tableName)));
    },
  };
  return deps;
}
