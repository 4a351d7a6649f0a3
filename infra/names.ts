import { Aws } from 'aws-cdk-lib';
import { LOCAL_NAMES } from './lambdas.ts';

/**
 * Physical names both stacks agree on. The stateless stack builds ARNs from them instead of
 * importing the stateful stack's exports, so grants name exact resources. The one exception is
 * the table's stream, whose ARN no name gives (infra/app.ts passes it as a cross-stack reference).
 */
export const TABLE_NAME = LOCAL_NAMES.table;
export const filesBucketName = () => `yiwangtongban-files-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
/** The e-archive's bucket (G6): S3 Object Lock, COMPLIANCE mode per object. */
export const archiveBucketName = () => `yiwangtongban-archive-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
/**
 * The aliases of the KMS keys of certificates (G2): the one that signs, and the one it replaced.
 * To rotate: the old key takes the `-previous` alias, a new key the signing one; both stay
 * published, so what the old key signed still verifies. (Keys older than that are not published.)
 */
export const SIGNING_KEY_ALIAS = 'alias/yiwangtongban-certificates';
export const PREVIOUS_SIGNING_KEY_ALIAS = `${SIGNING_KEY_ALIAS}-previous`;
