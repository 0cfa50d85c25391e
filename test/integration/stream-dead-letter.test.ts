import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoOutcomeStore } from '../../functions/adapters/dynamo-outcomes.ts';
import {
  readStreamRange,
  type StreamRange,
  StreamRangeGone,
} from '../../functions/adapters/dynamo-stream-range.ts';
import { makeStreamDeadLetterHandler } from '../../functions/handlers/stream-dead-letter.ts';
import type { Log } from '../../functions/pipeline/ports.ts';
import { type TestEnvironment, testEnvironment } from '../support/environment.ts';

let env: TestEnvironment;
let outcomes: DynamoOutcomeStore;

beforeEach(async () => {
  env = await testEnvironment();
  outcomes = new DynamoOutcomeStore(env.clients.documents, env.names.tables.outcomes);
});

afterEach(() => {
  env.clients.destroy();
});

const NOW = new Date('2026-11-02T10:00:00Z');

/** A log that keeps what was written, to check what an operator would read. */
function keptLog() {
  const lines: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, attributes?: Record<string, unknown>) => {
    lines.push({ level, message, ...(attributes ? { attributes } : {}) });
  };
  const log: Log = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { log, lines };
}

async function putDecision(decisionId: string, version: number, status = 'finalized') {
  await env.clients.documents.put({
    TableName: env.names.tables.decisions,
    Item: { decisionId, version, status },
  });
}

/** The decisions stream's records as DynamoDB Local holds them: shard and sequence numbers. */
async function streamPositions() {
  const { Table } = await env.clients.dynamodb.send(
    new DescribeTableCommand({ TableName: env.names.tables.decisions }),
  );
  const streamArn = Table?.LatestStreamArn as string;
  const { StreamDescription } = await env.clients.dynamodbStreams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  const shardId = StreamDescription?.Shards?.[0]?.ShardId as string;
  const { ShardIterator } = await env.clients.dynamodbStreams.send(
    new GetShardIteratorCommand({
      StreamArn: streamArn,
      ShardId: shardId,
      ShardIteratorType: 'TRIM_HORIZON',
    }),
  );
  const { Records = [] } = await env.clients.dynamodbStreams.send(
    new GetRecordsCommand({ ShardIterator }),
  );
  return {
    streamArn,
    shardId,
    sequences: Records.map((r) => r.dynamodb?.SequenceNumber as string),
  };
}

/** The on-failure message Lambda sends for a batch of the stream (its documented shape). */
function onFailureMessage(range: StreamRange, messageId = 'm-1'): SQSEvent {
  const body = {
    requestContext: {
      requestId: 'c1b2a3d4-0000-4000-8000-000000000000',
      functionArn: 'arn:aws:lambda:us-west-2:123456789012:function:render-documents',
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 6,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-11-02T09:59:00.000Z',
    DDBStreamBatchInfo: {
      shardId: range.shardId,
      startSequenceNumber: range.startSequenceNumber,
      endSequenceNumber: range.endSequenceNumber,
      approximateArrivalOfFirstRecord: '2026-11-02T09:58:00Z',
      approximateArrivalOfLastRecord: '2026-11-02T09:58:01Z',
      batchSize: 3,
      streamArn: range.streamArn,
    },
  };
  return {
    Records: [{ messageId, body: JSON.stringify(body) } as SQSEvent['Records'][number]],
  };
}

describe('reading a range of the decisions stream back (DynamoDB Local)', () => {
  it('returns exactly the records between the two sequence numbers, in order', async () => {
    // Prepare
    for (const id of ['d-1', 'd-2', 'd-3', 'd-4']) await putDecision(id, 1);
    const { streamArn, shardId, sequences } = await streamPositions();
    expect(sequences).toHaveLength(4);

    // Act
    const records = await readStreamRange(env.clients.dynamodbStreams, {
      streamArn,
      shardId,
      startSequenceNumber: sequences[1] as string,
      endSequenceNumber: sequences[2] as string,
    });

    // Assess
    expect(records.map((r) => r.dynamodb?.Keys?.decisionId?.S)).toEqual(['d-2', 'd-3']);
  });

  it('reports a range it cannot read any more as gone, not as empty', async () => {
    // Prepare: a shard that is not (or no longer) in the stream.
    await putDecision('d-1', 1);
    const { streamArn, sequences } = await streamPositions();

    // Act
    const reading = readStreamRange(env.clients.dynamodbStreams, {
      streamArn,
      shardId: 'shardId-00000000000000000000-00000000',
      startSequenceNumber: sequences[0] as string,
      endSequenceNumber: sequences[0] as string,
    });

    // Assess
    await expect(reading).rejects.toBeInstanceOf(StreamRangeGone);
  });
});

describe('stream-dead-letter handler', () => {
  it('records each version of the failed range dead-lettered, with its last failure', async () => {
    // Prepare: d-1 before the range; d-2 failed with a reason; d-3 changed twice; d-4 had
    // already rendered (a record after the failed one); then d-1 removed (a removal is not
    // delivered to the renderer, so it is no failed version).
    await putDecision('d-1', 1);
    await putDecision('d-2', 1);
    await putDecision('d-3', 1, 'draft');
    await putDecision('d-3', 1, 'finalized');
    await putDecision('d-4', 1);
    await env.clients.documents.delete({
      TableName: env.names.tables.decisions,
      Key: { decisionId: 'd-1', version: 1 },
    });
    await outcomes.recordAttemptFailure('d-2', 1, 'KMS Sign throttled');
    await outcomes.recordOnce({
      decisionId: 'd-4',
      version: 1,
      outcome: 'documents-ready',
      documentIds: ['doc-1'],
      processedAt: '2026-11-02T09:58:30Z',
    });
    const { streamArn, shardId, sequences } = await streamPositions();
    expect(sequences).toHaveLength(6);
    const { log, lines } = keptLog();
    const handler = makeStreamDeadLetterHandler({
      readRange: (range) => readStreamRange(env.clients.dynamodbStreams, range),
      outcomes,
      log,
      clock: () => NOW,
    });

    // Act
    const response = await handler(
      onFailureMessage({
        streamArn,
        shardId,
        startSequenceNumber: sequences[1] as string,
        endSequenceNumber: sequences[5] as string,
      }),
    );

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(await outcomes.get('d-1', 1)).toBeUndefined();
    expect(await outcomes.get('d-2', 1)).toMatchObject({
      outcome: 'dead-lettered',
      reason: 'KMS Sign throttled',
      processedAt: NOW.toISOString(),
    });
    expect(await outcomes.get('d-3', 1)).toMatchObject({
      outcome: 'dead-lettered',
      reason: 'stream batch given up (RetryAttemptsExhausted after 6 attempts)',
    });
    expect(await outcomes.get('d-4', 1)).toMatchObject({ outcome: 'documents-ready' });
    const deadLettered = lines.filter((l) => l.message === 'decision dead-lettered');
    expect(deadLettered.map((l) => l.attributes?.decisionId)).toEqual(['d-2', 'd-3']);
  });

  it('keeps the message failing when the records have aged out, logging the range', async () => {
    // Prepare
    await putDecision('d-1', 1);
    const { streamArn, sequences } = await streamPositions();
    const { log, lines } = keptLog();
    const handler = makeStreamDeadLetterHandler({
      readRange: (range) => readStreamRange(env.clients.dynamodbStreams, range),
      outcomes,
      log,
      clock: () => NOW,
    });
    const range = {
      streamArn,
      shardId: 'shardId-00000000000000000000-00000000',
      startSequenceNumber: sequences[0] as string,
      endSequenceNumber: sequences[0] as string,
    };

    // Act
    const response = await handler(onFailureMessage(range, 'aged-1'));

    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'aged-1' }]);
    expect(await outcomes.get('d-1', 1)).toBeUndefined();
    expect(lines).toContainEqual({
      level: 'error',
      message: 'stream dead letter not recorded',
      attributes: expect.objectContaining({ ...range, agedOut: true }),
    });
  });
});
