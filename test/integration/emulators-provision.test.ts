import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../functions/adapters/aws-clients.ts';
import { resourceNames, type TableName, tables } from '../../functions/contract/resources.ts';
import { createTableInput, provision } from '../../infra/local/provision.ts';
import { emulatorClients, testEnvironment } from '../support/environment.ts';

let clients: AwsClients | undefined;

afterEach(() => {
  clients?.destroy();
});

describe('provision', () => {
  it('creates every table with the keys, indexes, stream and TTL of functions/contract/resources.ts', async () => {
    // Prepare
    const env = await testEnvironment();
    clients = env.clients;

    // Act
    const described = await Promise.all(
      (Object.keys(tables) as TableName[]).map(async (table) => {
        const name = env.names.tables[table];
        const { Table } = await env.clients.dynamodb.send(
          new DescribeTableCommand({ TableName: name }),
        );
        const ttl = await env.clients.dynamodb.send(
          new DescribeTimeToLiveCommand({ TableName: name }),
        );
        return { table, Table, ttl: ttl.TimeToLiveDescription };
      }),
    );

    // Assess
    for (const { table, Table, ttl } of described) {
      const definition = tables[table];
      const sortKey = 'sortKey' in definition ? definition.sortKey : undefined;
      expect(Table?.KeySchema).toEqual([
        { AttributeName: definition.partitionKey.name, KeyType: 'HASH' },
        ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual(
        definition.globalIndexes.map((index) => index.indexName).sort(),
      );
      const stream = 'stream' in definition ? definition.stream : undefined;
      expect(Table?.StreamSpecification?.StreamViewType).toBe(stream);
      const ttlAttribute =
        'timeToLiveAttribute' in definition ? definition.timeToLiveAttribute : undefined;
      expect(ttl?.AttributeName).toBe(ttlAttribute);
    }
  });

  it('is idempotent: a second run keeps the tables, their items and the bucket', async () => {
    // Prepare
    const env = await testEnvironment();
    clients = env.clients;
    await env.clients.documents.put({
      TableName: env.names.tables.outcomes,
      Item: { decisionId: 'd-1', version: 1, outcome: 'rendered' },
    });

    // Act
    await provision(env.clients, env.names);

    // Assess
    const { Item } = await env.clients.documents.get({
      TableName: env.names.tables.outcomes,
      Key: { decisionId: 'd-1', version: 1 },
    });
    expect(Item).toEqual({ decisionId: 'd-1', version: 1, outcome: 'rendered' });
    await expect(
      env.clients.s3.send(new HeadBucketCommand({ Bucket: env.names.buckets.documents })),
    ).resolves.toBeDefined();
  });

  it('gives a table kept from an earlier version the stream the contract now defines', async () => {
    // Prepare: a saved state whose responses table was made before it had a stream.
    clients = emulatorClients();
    const names = resourceNames(`iep-upgrade-${process.pid}-${Date.now().toString(36)}`);
    const { StreamSpecification: _, ...withoutStream } = createTableInput(
      tables.responses,
      names.tables.responses,
    );
    await clients.dynamodb.send(new CreateTableCommand(withoutStream));

    // Act
    await provision(clients, names);

    // Assess
    const { Table } = await clients.dynamodb.send(
      new DescribeTableCommand({ TableName: names.tables.responses }),
    );
    expect(Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: tables.responses.stream,
    });
    expect(Table?.LatestStreamArn).toBeDefined();
  });

  it('names every resource after the runtime prefix', async () => {
    // Prepare
    clients = emulatorClients();
    const names = resourceNames('iep-naming-check');

    // Act
    await provision(clients, names);
    const { TableNames } = await clients.dynamodb.send(new ListTablesCommand({}));

    // Assess
    expect(names.tables.decisions).toBe('iep-naming-check-decisions');
    expect(names.buckets.documents).toBe('iep-naming-check-documents');
    expect(TableNames).toEqual(expect.arrayContaining(Object.values(names.tables)));
  });

  it('refuses a prefix that cannot start a bucket name', () => {
    // Act / Assess
    expect(() => resourceNames('IEP_Local')).toThrow('resource prefix');
  });
});
