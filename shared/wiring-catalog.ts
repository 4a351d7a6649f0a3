import { TableClient } from './adapters/dynamodb/client.ts';
import { DynamoCatalog, DynamoProgress, DynamoVerifications } from './adapters/dynamodb/records.ts';
import type { ProgressDeps } from './usecases/progress.ts';
import { dynamoRepositories, type DynamoRepositories } from './adapters/dynamodb/repositories.ts';
import { config } from './config.ts';
import { traced } from './log.ts';
import { systemClock } from './ports/clock.ts';
import type { CatalogDeps } from './usecases/catalog.ts';
import type { VerifyDeps } from './usecases/verify.ts';
import type { Signer } from './ports/signer.ts';
import { dynamodbSdk, kmsSdk } from './adapters/provided.ts';
import { KmsSigner } from './adapters/signing/kms-signer.ts';
import { LocalSigner } from './adapters/signing/local-signer.ts';

const { DynamoDBClient } = dynamodbSdk();

/** The single table from the environment (TABLE_NAME), as every function reaches it. */
export const tableFromEnv = (): DynamoRepositories => dynamoRepositories(traced(new DynamoDBClient({})), config.tableName);

let publicTable: TableClient | undefined;
/** public-api's one client of the table (it reads only the catalog and the verification records). */
const anonymousTable = () => (publicTable ??= new TableClient(traced(new DynamoDBClient({})), config.tableName));

let verifying: VerifyDeps | undefined;
/** The signer's published keys and the certificates' public records (JWKS, /verify), built on first use. */
export function verifyDeps(): VerifyDeps {
  let records: DynamoVerifications | undefined;
  let signer: Signer | undefined;
  verifying ??= {
    get signer() {
      return (signer ??= signerFromEnv());
    },
    get verifications() {
      return (records ??= new DynamoVerifications(anonymousTable()));
    },
  };
  return verifying;
}

/** The signer configuration names (config.signing): a key file locally, KMS keys in AWS. */
export function signerFromEnv(): Signer {
  const signing = config.signing;
  return signing.kind === 'file' ? new LocalSigner(signing.file) : new KmsSigner(traced(new (kmsSdk().KMSClient)({})), signing.keyIds);
}

let following: ProgressDeps | undefined;
/** Cases' public progress by supervision code (H1), built on first use. */
export function progressDeps(): ProgressDeps {
  let records: DynamoProgress | undefined;
  following ??= {
    realClock: systemClock,
    get progress() {
      return (records ??= new DynamoProgress(anonymousTable()));
    },
  };
  return following;
}

let deps: CatalogDeps | undefined;
/**
 * public-api's dependencies for the catalog: only its published revisions. Kept apart from
 * shared/wiring.ts so the anonymous, most-called function bundles none of the other adapters.
 */
export function catalogDeps(): CatalogDeps {
  let store: DynamoCatalog | undefined;
  deps ??= {
    realClock: systemClock,
    get catalog() {
      return (store ??= new DynamoCatalog(anonymousTable()));
    },
  };
  return deps;
}
