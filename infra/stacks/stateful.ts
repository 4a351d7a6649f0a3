import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket, HttpMethods, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { TABLE } from '#shared/adapters/dynamodb/table.ts';
import { acknowledge } from '../constructs/platform-function.ts';
import { archiveBucketName, filesBucketName, SIGNING_KEY_ALIAS, TABLE_NAME } from '../names.ts';

/**
 * What must outlive any deployment: the single table, the files bucket and the certificate-signing key. Retained on stack
 * deletion, protected against deletion, recoverable to any point in time, versioned.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  /** The table's stream (new images): it starts the follow-ups function in the stateless stack. */
  readonly tableStreamArn: string;
  readonly files: Bucket;
  readonly archive: Bucket;
  readonly signingKey: Key;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = new TableV2(this, 'Table', {
      tableName: TABLE_NAME,
      partitionKey: { name: TABLE.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE.sortKey, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      // A step's transaction writes its follow-up; the stream hands the new item to the follow-ups function.
      dynamoStream: StreamViewType.NEW_IMAGE,
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: TABLE.globalSecondaryIndexes.map((gsi) => ({
        indexName: gsi.indexName,
        partitionKey: { name: gsi.partitionKey, type: AttributeType.STRING },
        sortKey: { name: gsi.sortKey, type: AttributeType.STRING },
      })),
    });
    if (!this.table.tableStreamArn) throw new Error('the table has no stream: the follow-ups function reads it');
    this.tableStreamArn = this.table.tableStreamArn;

    const accessLogs = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(400), noncurrentVersionExpiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    acknowledge(accessLogs, 'S1', 'This is the server access log bucket; logging it into itself would loop.');

    this.files = new Bucket(this, 'Files', {
      bucketName: filesBucketName(),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'files/',
      // Browsers PUT materials straight to S3 with the presigned URL.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['content-type', 'content-length'], maxAge: 3600 }],
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Object Created events to EventBridge (each stored upload's metadata goes on its record), set on
    // the bucket itself: the construct's `eventBridgeEnabled` would deploy a notifications Lambda.
    (this.files.node.defaultChild as CfnBucket).addPropertyOverride('NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled', true);

    // The e-archive (G6): each completed case's package, every object written once in COMPLIANCE
    // mode until its case's retention date (set per object from the guide): nobody can change or
    // delete it before then. Versioned, as Object Lock needs.
    this.archive = new Bucket(this, 'Archive', {
      bucketName: archiveBucketName(),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'archive/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The certificates' signing key (ES256): its private half never leaves KMS. Retained: what it
    // signed must stay verifiable.
    this.signingKey = new Key(this, 'CertificateSigningKey', {
      description: 'Signs e-certificates (ES256 JWS in their QR codes); public keys at /.well-known/jwks.json',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      alias: SIGNING_KEY_ALIAS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
