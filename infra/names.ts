import { Aws } from 'aws-cdk-lib';
import { LOCAL_NAMES } from './lambdas.ts';

/**
 * Physical names both stacks agree on. The stateless stack builds ARNs from them instead of
 * importing the stateful stack's exports, so grants name exact resources. The one exception is
 * the table's stream, whose ARN no name gives (infra/app.ts passes it as a cross-stack reference).
 */
export const TABLE_NAME = LOCAL_NAMES.table;
export const filesBucketName = () => `yiwangtongban-files-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
/**
 * The alias of the KMS key that signs certificates (G2). To rotate: a new key takes the alias, and
 * the old key's ARN goes second in SIGNING_KEY_IDS so what it signed still verifies.
 */
export const SIGNING_KEY_ALIAS = 'alias/yiwangtongban-certificates';
