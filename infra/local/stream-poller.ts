/**
 * Plays an AWS Lambda event source mapping on a table's DynamoDB stream, on one machine:
 * reads every shard of DynamoDB Local's stream (parents before children), drops records that
 * match no filter, invokes the handler with batches shaped like Lambda's DynamoDBStreamEvent,
 * honours partial batch responses (ReportBatchItemFailures), bisects failing batches, gives up
 * on a record after maxRetryAttempts (on-failure destination; the batch logic is in
 * stream-batch.ts) and checkpoints per shard in a
 * JSON file, so a restart resumes where it stopped (at-least-once: the last uncheckpointed
 * batch may be delivered again, as on AWS).
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as SdkRecord,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord, DynamoDBStreamHandler } from 'aws-lambda';
import { DECISION_STREAM_MAPPING, type StreamMapping } from '../../functions/contract/streams.ts';
import { type FilterPattern, matchesAnyFilter, validateFilterPattern } from './event-filter.ts';
import { type BatchSettings, deliverBatch } from './stream-batch.ts';
import {
  type CheckpointFile,
  loadCheckpoints,
  type ShardCheckpoint,
  type StreamRecordFailure,
  saveCheckpoints,
} from './stream-checkpoints.ts';
import {
  describeError,
  errorName,
  parentsFirst,
  reportPollError,
  sequenceNumberOf,
  toLambdaRecord,
} from './stream-records.ts';

export { deadLetterFile, type StreamRecordFailure } from './stream-checkpoints.ts';
export { toLambdaRecord } from './stream-records.ts';

/**
 * A stream handler, as Lambda calls it: aws-lambda's DynamoDBStreamHandler (the context is a
 * local stand-in). It must be async; the callback passed is a no-op (Lambda's Node 24 runtime
 * dropped callback handlers too).
 */
export type StreamHandler = DynamoDBStreamHandler;

/** A contract stream mapping as the poller's settings: the same filters, batches and retries. */
export function mappingSettings(mapping: StreamMapping) {
  return {
    filters: mapping.filters,
    batchSize: mapping.batchSize,
    maxRetryAttempts: mapping.retryAttempts,
    bisectBatchOnFunctionError: mapping.bisectBatchOnError,
    reportBatchItemFailures: mapping.reportBatchItemFailures,
  };
}

/**
 * The poller's defaults: the decisions stream's mapping of the contract, which the CDK stack
 * builds its event source mapping from, so the two retry, bisect and batch alike. A bisected
 * batch does not count as a retry; retries are counted once a failing batch cannot be split.
 */
export const streamMappingDefaults = mappingSettings(DECISION_STREAM_MAPPING);

/** Options of {@link StreamPoller}; defaults in {@link streamMappingDefaults}. */
export interface StreamPollerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly dynamodbStreams: DynamoDBStreamsClient;
  /** Physical name of the table whose stream is read. */
  readonly tableName: string;
  readonly handler: StreamHandler;
  /** Filter patterns (OR-ed, like FilterCriteria.Filters); none delivers every record. */
  readonly filters?: readonly FilterPattern[];
  /** Most records per invocation (default: the contract's). */
  readonly batchSize?: number;
  /** Retries of a failing record before it goes to onFailure (default: the contract's; -1: forever). */
  readonly maxRetryAttempts?: number;
  /** Split a batch in two when the handler throws, before counting retries (default true). */
  readonly bisectBatchOnFunctionError?: boolean;
  /** Honour `batchItemFailures` in the handler's response (default true). */
  readonly reportBatchItemFailures?: boolean;
  /** On-failure destination: receives each record given up. Throwing stops the checkpoint. */
  readonly onFailure?: (
    record: DynamoDBRecord,
    failure: StreamRecordFailure,
  ) => void | Promise<void>;
  /** JSON file keeping the per-shard checkpoints; in memory only when absent. */
  readonly checkpointFile?: string;
  /** Pause between polls of start() (default 250 ms). */
  readonly pollIntervalMs?: number;
  /** First pause before a retry, doubled per attempt up to 5 s (default 100 ms; 0 in tests). */
  readonly retryDelayMs?: number;
  /** Errors of continuous polling (emulator gone, table missing); default: one line on stderr. */
  readonly onPollError?: (error: unknown) => void;
  /** Function name shown in the handler's context (default `<tableName>-stream-handler`). */
  readonly functionName?: string;
}

/** Polls one table's stream and invokes a handler like a Lambda event source mapping. */
export class StreamPoller {
  readonly #options: StreamPollerOptions;
  readonly #batchSize: number;
  readonly #batches: BatchSettings;
  readonly #filters: readonly FilterPattern[];
  readonly #checkpoints: CheckpointFile;
  /** Open iterators per shard of the current stream, so a poll continues where the last ended. */
  readonly #iterators = new Map<string, string>();
  #iteratorStream: string | undefined;
  /** Serializes polls: drain() and the start() loop never read a shard at the same time. */
  #exclusive: Promise<unknown> = Promise.resolve();
  #loop: Promise<void> | undefined;
  #running = false;
  #wake: (() => void) | undefined;

  constructor(options: StreamPollerOptions) {
    this.#options = options;
    this.#batchSize = options.batchSize ?? streamMappingDefaults.batchSize;
    const functionName = options.functionName ?? `${options.tableName}-stream-handler`;
    this.#batches = {
      handler: options.handler,
      maxRetryAttempts: options.maxRetryAttempts ?? streamMappingDefaults.maxRetryAttempts,
      bisectBatchOnFunctionError:
        options.bisectBatchOnFunctionError ?? streamMappingDefaults.bisectBatchOnFunctionError,
      reportBatchItemFailures:
        options.reportBatchItemFailures ?? streamMappingDefaults.reportBatchItemFailures,
      retryDelayMs: options.retryDelayMs ?? 100,
      functionName,
      ...(options.onFailure ? { onFailure: options.onFailure } : {}),
    };
    this.#filters = options.filters ?? [];
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1 || this.#batchSize > 10_000) {
      throw new Error(`batchSize must be 1-10000, got ${this.#batchSize}`);
    }
    for (const filter of this.#filters) validateFilterPattern(filter);
    this.#checkpoints = loadCheckpoints(options.checkpointFile);
  }

  /**
   * Processes every record currently in the stream (delivered, filtered out or given up), then
   * resolves. Rejects when the stream cannot be read or onFailure throws.
   */
  async drain(): Promise<void> {
    for (;;) {
      const read = await this.#serialized(() => this.#pollOnce());
      if (read === 0) return;
    }
  }

  /** Starts polling continuously (every pollIntervalMs) until stop(). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = (async () => {
      let lastError = '';
      while (this.#running) {
        try {
          await this.#serialized(() => this.#pollOnce());
          lastError = '';
        } catch (error) {
          // The same failure every poll (table not created yet) is reported once.
          const message = describeError(error);
          if (message !== lastError) (this.#options.onPollError ?? reportPollError)(error);
          lastError = message;
        }
        if (!this.#running) break;
        await new Promise<void>((done) => {
          const timer = setTimeout(done, this.#options.pollIntervalMs ?? 250);
          this.#wake = () => {
            clearTimeout(timer);
            done();
          };
        });
      }
    })();
  }

  /** Stops polling; resolves once the batch in progress (if any) is finished. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  #serialized<T>(action: () => Promise<T>): Promise<T> {
    const result = this.#exclusive.then(action);
    this.#exclusive = result.catch(() => undefined);
    return result;
  }

  /** Reads every shard to its current end; returns how many records were read. */
  async #pollOnce(): Promise<number> {
    const streamArn = await this.#latestStreamArn();
    if (this.#iteratorStream !== streamArn) {
      this.#iterators.clear();
      this.#iteratorStream = streamArn;
    }
    const shards = await this.#listShards(streamArn);
    const known = new Set(shards.map((shard) => shard.ShardId));
    let read = 0;
    for (const shard of parentsFirst(shards)) {
      const shardId = shard.ShardId as string;
      const parent = shard.ParentShardId;
      // A child waits until its parent is read to the end (order per key, as on AWS).
      if (parent && known.has(parent) && !this.#checkpoint(streamArn, parent).finished) continue;
      read += await this.#readShard(streamArn, shardId);
    }
    return read;
  }

  async #latestStreamArn(): Promise<string> {
    const { tableName } = this.#options;
    const { Table } = await this.#options.dynamodb.send(
      new DescribeTableCommand({ TableName: tableName }),
    );
    if (!Table?.LatestStreamArn) throw new Error(`table ${tableName} has no stream`);
    return Table.LatestStreamArn;
  }

  async #listShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const { StreamDescription } = await this.#options.dynamodbStreams.send(
        new DescribeStreamCommand({
          StreamArn: streamArn,
          ExclusiveStartShardId: exclusiveStartShardId,
        }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return shards;
  }

  async #readShard(streamArn: string, shardId: string): Promise<number> {
    if (this.#checkpoint(streamArn, shardId).finished) return 0;
    let read = 0;
    try {
      const kept = this.#iterators.get(shardId);
      let iterator = kept ?? (await this.#newIterator(streamArn, shardId));
      let renewed = kept === undefined;
      for (;;) {
        let page: { Records?: SdkRecord[]; NextShardIterator?: string };
        try {
          page = await this.#options.dynamodbStreams.send(
            new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }),
          );
        } catch (error) {
          // DynamoDB Local refuses an iterator kept from when the shard was empty as "trimmed":
          // a fresh one from the checkpoint reads the same records.
          const stale = errorName(error) === 'TrimmedDataAccessException' && !renewed;
          if (errorName(error) !== 'ExpiredIteratorException' && !stale) throw error;
          iterator = await this.#newIterator(streamArn, shardId);
          renewed = true;
          continue;
        }
        const records = page.Records ?? [];
        read += records.length;
        await this.#process(streamArn, shardId, records);
        if (!page.NextShardIterator) {
          // Closed and read to the end: children may start.
          this.#iterators.delete(shardId);
          this.#saveCheckpoint(streamArn, shardId, { finished: true });
          return read;
        }
        iterator = page.NextShardIterator;
        if (records.length === 0) {
          this.#iterators.set(shardId, iterator);
          return read;
        }
      }
    } catch (error) {
      // The iterator may be past unprocessed records: resume from the checkpoint next time.
      this.#iterators.delete(shardId);
      throw error;
    }
  }

  async #newIterator(streamArn: string, shardId: string): Promise<string> {
    const { sequenceNumber } = this.#checkpoint(streamArn, shardId);
    const get = async (afterSequenceNumber: string | undefined) => {
      const { ShardIterator } = await this.#options.dynamodbStreams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ...(afterSequenceNumber
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: afterSequenceNumber }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      if (!ShardIterator) throw new Error(`no iterator for shard ${shardId}`);
      return ShardIterator;
    };
    try {
      return await get(sequenceNumber);
    } catch (error) {
      // The checkpoint is older than the stream's 24 h retention: continue with what is left.
      if (errorName(error) !== 'TrimmedDataAccessException' || !sequenceNumber) throw error;
      return get(undefined);
    }
  }

  /** Delivers one page of records in batches, checkpointing as they complete. */
  async #process(streamArn: string, shardId: string, records: SdkRecord[]): Promise<void> {
    const checkpoint = (sequenceNumber: string) =>
      this.#saveCheckpoint(streamArn, shardId, { sequenceNumber });
    const region = this.#options.dynamodb.config.region;
    const awsRegion = typeof region === 'string' ? region : await region();
    const all = records.map((record) => toLambdaRecord(record, streamArn, awsRegion));
    let next = 0;
    while (next < all.length) {
      const batch: DynamoDBRecord[] = [];
      let covered = '';
      while (next < all.length && batch.length < this.#batchSize) {
        const record = all[next++] as DynamoDBRecord;
        covered = sequenceNumberOf(record);
        if (matchesAnyFilter(this.#filters, record)) batch.push(record);
      }
      if (batch.length > 0) await deliverBatch(batch, checkpoint, this.#batches);
      // Records dropped by the filters count as processed, like on AWS.
      checkpoint(covered);
    }
  }

  #checkpoint(streamArn: string, shardId: string): ShardCheckpoint {
    return this.#checkpoints.streams[streamArn]?.[shardId] ?? {};
  }

  #saveCheckpoint(streamArn: string, shardId: string, update: ShardCheckpoint): void {
    const shards = this.#checkpoints.streams[streamArn] ?? {};
    this.#checkpoints.streams[streamArn] = shards;
    const current = shards[shardId] ?? {};
    const sequenceNumber =
      update.sequenceNumber &&
      (!current.sequenceNumber || BigInt(update.sequenceNumber) > BigInt(current.sequenceNumber))
        ? update.sequenceNumber
        : current.sequenceNumber;
    const next = { ...current, ...update, sequenceNumber };
    if (next.sequenceNumber === current.sequenceNumber && next.finished === current.finished) {
      return;
    }
    shards[shardId] = next;
    saveCheckpoints(this.#options.checkpointFile, this.#checkpoints);
  }
}
