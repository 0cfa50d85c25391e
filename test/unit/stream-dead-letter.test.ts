import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, it } from 'vitest';
import { readStreamRange, StreamRangeGone } from '../../functions/adapters/dynamo-stream-range.ts';
import {
  decisionVersionsOf,
  streamFailureOf,
} from '../../functions/handlers/stream-dead-letter.ts';

/** An on-failure message as Lambda sends it for a DynamoDB stream batch. */
const notice = {
  requestContext: {
    requestId: '316aa6d0-8154-4d0e-8d4b-6c5d1e7a3c2b',
    functionArn: 'arn:aws:lambda:us-west-2:123456789012:function:render-documents',
    condition: 'RetryAttemptsExhausted',
    approximateInvokeCount: 6,
  },
  responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
  version: '1.0',
  timestamp: '2026-11-02T18:22:26.479Z',
  DDBStreamBatchInfo: {
    shardId: 'shardId-00000001700000000000-0a1b2c3d',
    startSequenceNumber: '202328600001712385967261751',
    endSequenceNumber: '202328600001712385967261799',
    approximateArrivalOfFirstRecord: '2026-11-02T18:21:49Z',
    approximateArrivalOfLastRecord: '2026-11-02T18:21:50Z',
    batchSize: 2,
    streamArn:
      'arn:aws:dynamodb:us-west-2:123456789012:table/IepDocs-Decisions/stream/2026-09-01T00:00:00.000',
  },
};

describe('streamFailureOf', () => {
  it('reads the shard, the sequence range and why the batch was given up', () => {
    expect(streamFailureOf(JSON.stringify(notice))).toEqual({
      condition: 'RetryAttemptsExhausted',
      approximateInvokeCount: 6,
      firstRecordAt: '2026-11-02T18:21:49Z',
      range: {
        streamArn: notice.DDBStreamBatchInfo.streamArn,
        shardId: notice.DDBStreamBatchInfo.shardId,
        startSequenceNumber: '202328600001712385967261751',
        endSequenceNumber: '202328600001712385967261799',
      },
    });
  });

  it('reads a record-age notice without an invoke count', () => {
    const aged = {
      ...notice,
      requestContext: { ...notice.requestContext, condition: 'RecordAgeExceeded' },
    };
    delete (aged.requestContext as { approximateInvokeCount?: number }).approximateInvokeCount;
    const parsed = streamFailureOf(JSON.stringify(aged));
    expect(parsed?.condition).toBe('RecordAgeExceeded');
    expect(parsed?.approximateInvokeCount).toBeUndefined();
  });

  it('refuses bodies that are not a stream on-failure message', () => {
    const info = notice.DDBStreamBatchInfo;
    const without = (field: keyof typeof info) => {
      const { [field]: _dropped, ...rest } = info;
      return JSON.stringify({ ...notice, DDBStreamBatchInfo: rest });
    };
    for (const body of [
      'not json',
      'null',
      '"text"',
      JSON.stringify({ decisionId: 'd-1', version: 1, jobId: 'j' }),
      without('shardId'),
      without('streamArn'),
      without('startSequenceNumber'),
      without('endSequenceNumber'),
      JSON.stringify({ ...notice, DDBStreamBatchInfo: { ...info, startSequenceNumber: '12ab' } }),
    ]) {
      expect(streamFailureOf(body), body).toBeUndefined();
    }
  });
});

const record = (eventName: string, decisionId: unknown, version: string, sequence: string) =>
  ({
    eventName,
    dynamodb: {
      Keys: { decisionId: { S: decisionId }, version: { N: version } },
      SequenceNumber: sequence,
    },
  }) as StreamRecord;

describe('decisionVersionsOf', () => {
  it('gives each inserted or changed version once, in stream order, and no removal', () => {
    const versions = decisionVersionsOf([
      record('INSERT', 'd-2', '1', '10'),
      record('MODIFY', 'd-2', '1', '11'),
      record('REMOVE', 'd-3', '1', '12'),
      record('INSERT', 'd-1', '2', '13'),
      { eventName: 'INSERT', dynamodb: { SequenceNumber: '14' } } as StreamRecord,
    ]);
    expect(versions).toEqual([
      { decisionId: 'd-2', version: 1 },
      { decisionId: 'd-1', version: 2 },
    ]);
  });
});

/** A DynamoDB Streams client answering from a script, keeping every request it was sent. */
function scriptedStreams(answer: (command: unknown, call: number) => unknown) {
  const sent: unknown[] = [];
  const client = {
    send: async (command: unknown) => {
      sent.push(command);
      return answer(command, sent.length);
    },
  } as unknown as DynamoDBStreamsClient;
  return { client, sent };
}

const range = {
  streamArn: notice.DDBStreamBatchInfo.streamArn,
  shardId: notice.DDBStreamBatchInfo.shardId,
  startSequenceNumber: '100',
  endSequenceNumber: '300',
};

describe('readStreamRange requests', () => {
  it('starts AT_SEQUENCE_NUMBER of the range and pages until it passes the end', async () => {
    // Prepare
    const pages: Record<string, { Records: StreamRecord[]; NextShardIterator?: string }> = {
      'it-1': {
        Records: [record('INSERT', 'a', '1', '100'), record('INSERT', 'b', '1', '200')],
        NextShardIterator: 'it-2',
      },
      'it-2': {
        Records: [record('INSERT', 'c', '1', '250'), record('INSERT', 'd', '1', '301')],
        NextShardIterator: 'it-3',
      },
    };
    const { client, sent } = scriptedStreams((command) =>
      command instanceof GetShardIteratorCommand
        ? { ShardIterator: 'it-1' }
        : pages[(command as GetRecordsCommand).input.ShardIterator as string],
    );

    // Act
    const records = await readStreamRange(client, range, { pageSize: 2 });

    // Assess
    expect(records.map((r) => r.dynamodb?.SequenceNumber)).toEqual(['100', '200', '250']);
    expect(sent.map((c) => (c as { input: unknown }).input)).toEqual([
      {
        StreamArn: range.streamArn,
        ShardId: range.shardId,
        ShardIteratorType: 'AT_SEQUENCE_NUMBER',
        SequenceNumber: '100',
      },
      { ShardIterator: 'it-1', Limit: 2 },
      { ShardIterator: 'it-2', Limit: 2 },
    ]);
    expect(sent[1]).toBeInstanceOf(GetRecordsCommand);
  });

  it('stops at a record that ends the range without asking for more', async () => {
    const { client, sent } = scriptedStreams((command) =>
      command instanceof GetShardIteratorCommand
        ? { ShardIterator: 'it-1' }
        : { Records: [record('INSERT', 'a', '1', '300')], NextShardIterator: 'it-2' },
    );
    const records = await readStreamRange(client, { ...range, startSequenceNumber: '300' });
    expect(records).toHaveLength(1);
    expect(sent).toHaveLength(2);
  });

  it('fails to be retried, rather than return part of a range, after empty pages', async () => {
    const { client } = scriptedStreams((command) =>
      command instanceof GetShardIteratorCommand
        ? { ShardIterator: 'it-1' }
        : { Records: [], NextShardIterator: 'it-1' },
    );
    await expect(readStreamRange(client, range, { maxEmptyPages: 2 })).rejects.toThrow(
      /end of stream range 300 not reached/,
    );
  });

  it('reports trimmed records as gone', async () => {
    const { client } = scriptedStreams(() => {
      const error = new Error('data was trimmed');
      error.name = 'TrimmedDataAccessException';
      throw error;
    });
    const reading = readStreamRange(client, range);
    await expect(reading).rejects.toBeInstanceOf(StreamRangeGone);
    await expect(reading).rejects.toThrow(/TrimmedDataAccessException/);
  });

  it('passes any other error on unchanged (throttling is retried by the queue)', async () => {
    const { client } = scriptedStreams(() => {
      const error = new Error('slow down');
      error.name = 'LimitExceededException';
      throw error;
    });
    await expect(readStreamRange(client, range)).rejects.toMatchObject({
      name: 'LimitExceededException',
    });
  });
});
