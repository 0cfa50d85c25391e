/**
 * Data: the tables (from `infra/tables.ts`, the single source of truth shared with the local
 * runtime), the documents bucket, its access-log bucket and the CloudTrail trail that records
 * who read or wrote which document (34 CFR 300.614). Everything is encrypted with a
 * customer-managed key and retained when the stack is deleted.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { BackupPlan, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import { ReadWriteType, Trail } from 'aws-cdk-lib/aws-cloudtrail';
import {
  AttributeType,
  BillingMode,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { ObjectLockMode } from '../config.ts';
import { TABLE_ENV } from '../env.ts';
import { type KeyAttribute, type TableName, tables } from '../tables.ts';
import type { Operations } from './operations.ts';

/** What {@link DataStore} needs. */
export interface DataStoreProps {
  readonly operations: Operations;
  readonly retentionYears: number;
  readonly objectLockMode: ObjectLockMode;
  readonly logRetention: RetentionDays;
}

const attributeType = { S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY };
const key = (attribute: KeyAttribute) => ({
  name: attribute.name,
  type: attributeType[attribute.type],
});

/** Tables, buckets, the data key and the audit trail. */
export class DataStore extends Construct {
  /** Encrypts student data at rest: tables, documents, queues. */
  readonly dataKey: Key;
  readonly tables: Readonly<Record<TableName, Table>>;
  readonly documentsBucket: Bucket;
  readonly accessLogsBucket: Bucket;
  readonly trail: Trail;

  constructor(scope: Construct, id: string, props: DataStoreProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Log delivery by bucket policy, not ACLs (ACLs stay disabled on every bucket).
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    this.dataKey = new Key(this, 'DataKey', {
      description: 'iep-docs student records: tables, documents, queues',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const built = {} as Record<TableName, Table>;
    for (const [name, definition] of Object.entries(tables) as [
      TableName,
      (typeof tables)[TableName],
    ][]) {
      const table = new Table(
        this,
        `${definition.logicalName[0]?.toUpperCase()}${definition.logicalName.slice(1)}Table`,
        {
          partitionKey: key(definition.partitionKey),
          ...('sortKey' in definition ? { sortKey: key(definition.sortKey) } : {}),
          billingMode: BillingMode.PAY_PER_REQUEST,
          encryption: TableEncryption.CUSTOMER_MANAGED,
          encryptionKey: this.dataKey,
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          deletionProtection: true,
          removalPolicy: RemovalPolicy.RETAIN,
          ...('stream' in definition ? { stream: StreamViewType[definition.stream] } : {}),
          ...('timeToLiveAttribute' in definition
            ? { timeToLiveAttribute: definition.timeToLiveAttribute }
            : {}),
        },
      );
      for (const index of definition.globalIndexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: key(index.partitionKey),
          ...(index.sortKey ? { sortKey: key(index.sortKey) } : {}),
        });
      }
      built[name] = table;
    }
    this.tables = built;

    // Backups beyond PITR's 35 days: daily kept 35 days, monthly kept a year, in a vault
    // encrypted with the data key and kept when the stack goes.
    const vault = new BackupVault(this, 'BackupVault', {
      encryptionKey: this.dataKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const plan = BackupPlan.dailyMonthly1YearRetention(this, 'BackupPlan', vault);
    plan.addSelection('Tables', {
      resources: Object.values(built).map((table) => BackupResource.fromDynamoDbTable(table)),
    });

    this.accessLogsBucket = new Bucket(this, 'AccessLogsBucket', {
      // S3 server access logging delivers only to buckets encrypted with SSE-S3.
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          transitions: [
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(90),
            },
          ],
          noncurrentVersionExpiration: Duration.days(30),
        },
      ],
    });

    this.documentsBucket = new Bucket(this, 'DocumentsBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'documents/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Retention is set in years (records schedules are), not days: S3 counts leap days.
    (this.documentsBucket.node.defaultChild as CfnBucket).objectLockConfiguration = {
      objectLockEnabled: 'Enabled',
      rule: { defaultRetention: { mode: props.objectLockMode, years: props.retentionYears } },
    };

    // The audit trail: every read and write of a document object, who and when.
    const opsKey = props.operations.key;
    opsKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringLike: {
            'kms:EncryptionContext:aws:cloudtrail:arn': `arn:${stack.partition}:cloudtrail:*:${stack.account}:trail/*`,
          },
        },
      }),
    );
    opsKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudtrail.amazonaws.com')],
        actions: ['kms:DescribeKey'],
        resources: ['*'],
      }),
    );
    const trailBucket = new Bucket(this, 'TrailBucket', {
      encryption: BucketEncryption.KMS,
      encryptionKey: opsKey,
      bucketKeyEnabled: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'trail/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const trailLogs = new LogGroup(this, 'TrailLogs', {
      encryptionKey: opsKey,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.trail = new Trail(this, 'DocumentAccessTrail', {
      bucket: trailBucket,
      encryptionKey: opsKey,
      enableFileValidation: true,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: trailLogs,
      // Management events are the account trail's job; this trail records document access.
      managementEvents: ReadWriteType.NONE,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
    });
    this.trail.addS3EventSelector([{ bucket: this.documentsBucket }], {
      readWriteType: ReadWriteType.ALL,
      includeManagementEvents: false,
    });
  }

  /**
   * Lets `grantee` read document versions under `prefix` (e.g. `districts/`), and nothing else
   * of the bucket: GetObject and GetObjectVersion, and Decrypt with the data key.
   */
  grantDocumentRead(grantee: IGrantable, prefix: string): void {
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resourceArns: [this.documentsBucket.arnForObjects(`${prefix}*`)],
    });
    this.dataKey.grant(grantee, 'kms:Decrypt');
  }

  /**
   * Lets `grantee` write new documents under `prefix`: PutObject only (no delete, no retention
   * change; Object Lock keeps every version), and GenerateDataKey with the data key.
   */
  grantDocumentWrite(grantee: IGrantable, prefix: string): void {
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject'],
      resourceArns: [this.documentsBucket.arnForObjects(`${prefix}*`)],
    });
    this.dataKey.grant(grantee, 'kms:GenerateDataKey');
  }

  /**
   * Lets `grantee` list the documents bucket, so that HeadObject of a missing key answers 404
   * (not 403) and a writer can tell "not there yet" from "forbidden". Keys hold ids only.
   */
  grantDocumentList(grantee: IGrantable): void {
    Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.documentsBucket.bucketArn],
    });
  }

  /**
   * Lets `grantee` use the data key as DynamoDB does when it reads or writes the tables for it
   * (the key actions of CDK's table read/write grants), for grants narrower than those.
   */
  grantTableKey(grantee: IGrantable): void {
    this.dataKey.grant(
      grantee,
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:ReEncrypt*',
      'kms:GenerateDataKey*',
    );
  }

  /** The environment variable and physical name of each table. */
  tableEnvironment(names: readonly TableName[]): Record<string, string> {
    return Object.fromEntries(names.map((name) => [TABLE_ENV[name], this.tables[name].tableName]));
  }
}
