/**
 * Reads back a range of a DynamoDB stream shard: the records between two sequence numbers, as
 * the on-failure destination of a stream event source names them (Lambda sends only the shard
 * and the range, never the records). A stream keeps records 24 hours; a range that has aged out
 * is reported as {@link StreamRangeGone}, never as an empty range.
 */
import {
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';

/** Where a failed batch lies in a stream. */
export interface StreamRange {
  readonly streamArn: string;
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
}

/** The range's records are no longer in the stream (trimmed after 24 h, or the stream is gone). */
export class StreamRangeGone extends Error {
  override readonly name = 'StreamRangeGone';
  constructor(
    readonly range: StreamRange,
    cause: unknown,
  ) {
    super(
      `stream records ${range.startSequenceNumber}..${range.endSequenceNumber} of ${range.shardId} are no longer readable: ${(cause as Error)?.name ?? String(cause)}`,
      { cause },
    );
  }
}

/** Errors that mean the records cannot be read again, however often we try. */
const GONE = new Set(['TrimmedDataAccessException', 'ResourceNotFoundException']);

/** Options of {@link readStreamRange}. */
export interface ReadStreamRangeOptions {
  /** Records per GetRecords call (default 1000, DynamoDB Streams' maximum). */
  readonly pageSize?: number;
  /**
   * Empty pages tolerated before the end of the range is reached (an open shard may answer
   * empty pages); then the read fails, to be retried, rather than return part of the range.
   */
  readonly maxEmptyPages?: number;
}

/** Every record of the shard whose sequence number lies within the range, in stream order. */
export async function readStreamRange(
  streams: DynamoDBStreamsClient,
  range: StreamRange,
  options: ReadStreamRangeOptions = {},
): Promise<StreamRecord[]> {
  const start = BigInt(range.startSequenceNumber);
  const end = BigInt(range.endSequenceNumber);
  if (end < start) throw new Error(`empty stream range ${start}..${end}`);
  const send = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      if (GONE.has((error as Error)?.name)) throw new StreamRangeGone(range, error);
      throw error;
    }
  };

  let iterator = (
    await send(() =>
      streams.send(
        new GetShardIteratorCommand({
          StreamArn: range.streamArn,
          ShardId: range.shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          SequenceNumber: range.startSequenceNumber,
        }),
      ),
    )
  ).ShardIterator;
  const found: StreamRecord[] = [];
  let emptyPages = 0;
  while (iterator) {
    const current: string = iterator;
    const page = await send(() =>
      streams.send(
        new GetRecordsCommand({ ShardIterator: current, Limit: options.pageSize ?? 1000 }),
      ),
    );
    const records = page.Records ?? [];
    for (const record of records) {
      const sequence = BigInt(record.dynamodb?.SequenceNumber ?? '0');
      if (sequence > end) return found;
      if (sequence >= start) found.push(record);
      // The range ends on a record: no need to wait for later ones on an open shard.
      if (sequence === end) return found;
    }
    if (records.length === 0 && ++emptyPages > (options.maxEmptyPages ?? 5)) {
      throw new Error(
        `end of stream range ${range.endSequenceNumber} not reached in ${range.shardId}; retry later`,
      );
    }
    iterator = page.NextShardIterator;
  }
  // The shard is closed and read to its end: the range is complete.
  return found;
}
