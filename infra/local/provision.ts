/**
 * Creates the tables and buckets of `functions/contract/resources.ts` in the emulators (or any account),
 * idempotently: what already exists is left as it is.
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import {
  type BucketName,
  buckets,
  type KeyAttribute,
  type ResourceNames,
  type TableDefinition,
  type TableName,
  tables,
} from '../../functions/contract/resources.ts';

/** The clients provisioning needs (a subset of `AwsClients`). */
export interface ProvisionClients {
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
}

/**
 * Creates every table (streams, GSIs and TTL as defined) and every bucket under the physical
 * names given. Tables that already exist are kept with their data. Bucket versioning is left to
 * the CDK stack: s3rver does not implement it.
 */
export async function provision(clients: ProvisionClients, names: ResourceNames): Promise<void> {
  await Promise.all(
    (Object.keys(tables) as TableName[]).map((table) =>
      createTable(clients.dynamodb, tables[table], names.tables[table]),
    ),
  );
  await Promise.all(
    (Object.keys(buckets) as BucketName[]).map((bucket) =>
      createBucket(clients.s3, names.buckets[bucket]),
    ),
  );
}

/** The CreateTable request for one table definition (on-demand billing, GSIs project ALL). */
export function createTableInput(
  table: TableDefinition,
  tableName: string,
): CreateTableCommandInput {
  const keySchema = (partitionKey: KeyAttribute, sortKey?: KeyAttribute) => [
    { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
  const attributes = new Map<string, AttributeDefinition>();
  const define = (key: KeyAttribute | undefined) => {
    if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  };
  define(table.partitionKey);
  define(table.sortKey);
  for (const index of table.globalIndexes) {
    define(index.partitionKey);
    define(index.sortKey);
  }
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes.values()],
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(table.globalIndexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.globalIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: { ProjectionType: 'ALL' as const },
          })),
        }
      : {}),
    ...(table.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: table.stream } }
      : {}),
  };
}

async function createTable(
  dynamodb: DynamoDBClient,
  table: TableDefinition,
  tableName: string,
): Promise<void> {
  try {
    await dynamodb.send(new CreateTableCommand(createTableInput(table, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) {
      throw new Error(`create table ${tableName}`, { cause: error });
    }
    // Kept from an earlier version (a saved state dir): it gets the stream the contract now has.
    if (table.stream) await enableStream(dynamodb, tableName, table.stream);
  }
  if (table.timeToLiveAttribute) {
    try {
      await dynamodb.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
        }),
      );
    } catch (error) {
      // A second provision finds TTL on already: that is the state we want.
      if (!(error instanceof Error && /already enabled/i.test(error.message))) {
        throw new Error(`enable TTL on ${tableName}`, { cause: error });
      }
    }
  }
}

async function enableStream(
  dynamodb: DynamoDBClient,
  tableName: string,
  viewType: NonNullable<TableDefinition['stream']>,
): Promise<void> {
  const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  if (Table?.StreamSpecification?.StreamEnabled) return;
  await dynamodb.send(
    new UpdateTableCommand({
      TableName: tableName,
      StreamSpecification: { StreamEnabled: true, StreamViewType: viewType },
    }),
  );
}

async function createBucket(s3: S3Client, bucketName: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') {
      throw new Error(`create bucket ${bucketName}`, { cause: error });
    }
  }
}
