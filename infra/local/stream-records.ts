/**
 * What the local stream poller hands Lambda and reads back: records in the JSON shape Lambda
 * delivers, the batch response read as Lambda reads it, shards ordered parents first.
 */
import type {
  AttributeValue as SdkAttributeValue,
  _Record as SdkRecord,
  Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/** One invocation's result, as the event source mapping reads it. */
export type Invocation =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly failedIndex: number }
  | { readonly kind: 'error'; readonly message: string };

/**
 * Lambda's reading of a batch response: no response, no list or an empty list is success;
 * an empty, missing or unknown itemIdentifier makes the whole batch a failure.
 */
export function readBatchResponse(response: unknown, records: DynamoDBRecord[]): Invocation {
  if (typeof response !== 'object' || response === null) return { kind: 'success' };
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures)) return invalidResponse('batchItemFailures is not a list');
  if (failures.length === 0) return { kind: 'success' };
  let failedIndex = records.length;
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const index =
      typeof id === 'string' && id !== ''
        ? records.findIndex((record) => sequenceNumberOf(record) === id)
        : -1;
    if (index < 0) return invalidResponse(`unknown itemIdentifier ${JSON.stringify(id)}`);
    failedIndex = Math.min(failedIndex, index);
  }
  return { kind: 'partial', failedIndex };
}

function invalidResponse(why: string): Invocation {
  return { kind: 'error', message: `invalid batch response: ${why}` };
}

export function sequenceNumberOf(record: DynamoDBRecord): string {
  return record.dynamodb?.SequenceNumber ?? '';
}

/** Orders shards so that a parent comes before its children. */
export function parentsFirst(shards: Shard[]): Shard[] {
  const byId = new Map(shards.map((shard) => [shard.ShardId, shard]));
  const ordered: Shard[] = [];
  const seen = new Set<string | undefined>();
  const visit = (shard: Shard) => {
    if (seen.has(shard.ShardId)) return;
    seen.add(shard.ShardId);
    const parent = shard.ParentShardId ? byId.get(shard.ParentShardId) : undefined;
    if (parent) visit(parent);
    ordered.push(shard);
  };
  for (const shard of shards) visit(shard);
  return ordered;
}

/** Converts the SDK's record to the JSON shape Lambda delivers (epoch seconds, base64). */
export function toLambdaRecord(
  record: SdkRecord,
  streamArn: string,
  awsRegion: string,
): DynamoDBRecord {
  const stream = record.dynamodb ?? {};
  const image = (attributes: Record<string, SdkAttributeValue> | undefined) =>
    attributes
      ? Object.fromEntries(
          Object.entries(attributes).map(([name, value]) => [name, toLambdaAttribute(value)]),
        )
      : undefined;
  const dynamodb = {
    ApproximateCreationDateTime: stream.ApproximateCreationDateTime
      ? Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000)
      : undefined,
    Keys: image(stream.Keys),
    NewImage: image(stream.NewImage),
    OldImage: image(stream.OldImage),
    SequenceNumber: stream.SequenceNumber,
    SizeBytes: stream.SizeBytes,
    StreamViewType: stream.StreamViewType,
  };
  return JSON.parse(
    JSON.stringify({
      eventID: record.eventID,
      eventName: record.eventName,
      eventVersion: record.eventVersion,
      eventSource: record.eventSource ?? 'aws:dynamodb',
      awsRegion,
      dynamodb,
      eventSourceARN: streamArn,
      userIdentity: record.userIdentity,
    }),
  ) as DynamoDBRecord;
}

function toLambdaAttribute(value: SdkAttributeValue): AttributeValue {
  const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttribute) };
  if (value.M !== undefined) {
    return {
      M: Object.fromEntries(
        Object.entries(value.M).map(([name, item]) => [name, toLambdaAttribute(item)]),
      ),
    };
  }
  // S, N, BOOL, NULL, SS, NS are JSON already.
  const { $unknown: _unknown, ...plain } = value as SdkAttributeValue & { $unknown?: unknown };
  return plain as AttributeValue;
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function reportPollError(error: unknown): void {
  console.error(`stream poller: ${describeError(error)}`);
}
