import { TableClient } from './adapters/dynamodb/client.ts';
import { DynamoCatalog } from './adapters/dynamodb/records.ts';
import { dynamoRepositories, type DynamoRepositories } from './adapters/dynamodb/repositories.ts';
import { config } from './config.ts';
import { traced } from './log.ts';
import { systemClock } from './ports/clock.ts';
import type { CatalogDeps } from './usecases/catalog.ts';
import { dynamodbSdk } from './adapters/provided.ts';

const { DynamoDBClient } = dynamodbSdk();

/** The single table from the environment (TABLE_NAME), as every function reaches it. */
export const tableFromEnv = (): DynamoRepositories => dynamoRepositories(traced(new DynamoDBClient({})), config.tableName);

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
