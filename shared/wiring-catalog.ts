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
/** public-api's one client of the table (it reads only the catalog, the verification records and cases' public progress). */
const anonymousTable = () => (publicTable ??= new TableClient(traced(new DynamoDBClient({})), config.tableName));

/** The signer configuration names (config.signing): a key file locally, KMS keys in AWS. */
export function signerFromEnv(): Signer {
  const signing = config.signing;
  return signing.kind === 'file' ? new LocalSigner(signing.file) : new KmsSigner(traced(new (kmsSdk().KMSClient)({})), signing.keyIds);
}

/** public-api's dependencies: the published guide revisions, the certificates' public records, cases' public progress, the signer's published keys. */
export type PublicDeps = CatalogDeps & VerifyDeps & ProgressDeps;

let publicOnes: PublicDeps | undefined;
let catalog: DynamoCatalog | undefined;
let verifications: DynamoVerifications | undefined;
let progress: DynamoProgress | undefined;
let signer: Signer | undefined;
/**
 * public-api's dependencies, each built on first use, all on its one table client. Kept apart from
 * shared/wiring.ts so the anonymous, most-called function bundles none of the other adapters.
 */
export function publicDeps(): PublicDeps {
  publicOnes ??= {
    realClock: systemClock,
    get catalog() {
      return (catalog ??= new DynamoCatalog(anonymousTable()));
    },
    get verifications() {
      return (verifications ??= new DynamoVerifications(anonymousTable()));
    },
    get progress() {
      return (progress ??= new DynamoProgress(anonymousTable()));
    },
    get signer() {
      return (signer ??= signerFromEnv());
    },
  };
  return publicOnes;
}
