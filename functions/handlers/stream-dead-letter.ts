/**
 * Lambda entry point: the decisions stream's on-failure destination (an SQS queue) → each
 * decision version of a batch that exhausted its retries is recorded `dead-lettered`, with the
 * reason of its last failed attempt, as the local runtime does (recordDeadLetter). Lambda's
 * on-failure message carries only the shard and the sequence-number range of the batch, so the
 * records are read back from the stream. When they have aged out (24 h), the range is logged and
 * the message keeps failing into its own dead-letter queue, which alarms: never dropped silently.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { _Record as StreamRecord } from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import type { StreamRange } from '../adapters/dynamo-stream-range.ts';
import { DECISION_STREAM_FILTERS } from '../contract/streams.ts';
import type { Log, OutcomeStore } from '../pipeline/ports.ts';
import { recordDeadLetter } from '../pipeline/render-decision.ts';
import { awsHandler } from '../platform/aws-observability.ts';
import { sqsBatchHandler } from './partial-batch.ts';

/** What Lambda sends to a stream's on-failure destination (the parts this consumer reads). */
export interface StreamFailureNotice {
  /** `RetryAttemptsExhausted`, `RecordAgeExceeded`, … */
  readonly condition: string;
  readonly approximateInvokeCount?: number;
  readonly range: StreamRange;
  /** When the batch's first record reached the stream (ISO), when given. */
  readonly firstRecordAt?: string;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';
const isSequence = (value: unknown): value is string => isText(value) && /^\d+$/.test(value);

/**
 * Reads an on-failure message body: `{ requestContext: { condition, approximateInvokeCount },
 * DDBStreamBatchInfo: { shardId, startSequenceNumber, endSequenceNumber, streamArn, … } }`.
 * Undefined when the body is not one.
 */
export function streamFailureOf(body: string): StreamFailureNotice | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { requestContext, DDBStreamBatchInfo: info } = parsed as {
    requestContext?: { condition?: unknown; approximateInvokeCount?: unknown };
    DDBStreamBatchInfo?: Record<string, unknown>;
  };
  if (
    !info ||
    !isText(info.streamArn) ||
    !isText(info.shardId) ||
    !isSequence(info.startSequenceNumber) ||
    !isSequence(info.endSequenceNumber)
  ) {
    return undefined;
  }
  const invokes = requestContext?.approximateInvokeCount;
  return {
    condition: isText(requestContext?.condition) ? requestContext.condition : 'unknown',
    ...(Number.isInteger(invokes) ? { approximateInvokeCount: invokes as number } : {}),
    range: {
      streamArn: info.streamArn,
      shardId: info.shardId,
      startSequenceNumber: info.startSequenceNumber,
      endSequenceNumber: info.endSequenceNumber,
    },
    ...(isText(info.approximateArrivalOfFirstRecord)
      ? { firstRecordAt: info.approximateArrivalOfFirstRecord }
      : {}),
  };
}

/** The event names the renderer's mapping delivers (the same filter as the stack's). */
const DELIVERED_EVENTS = new Set<string>(DECISION_STREAM_FILTERS.flatMap((f) => f.eventName));

/**
 * The decision versions of the records the renderer was given (INSERT and MODIFY, as its
 * filter), each once, in stream order. Records of other tables' shapes are skipped.
 */
export function decisionVersionsOf(
  records: readonly StreamRecord[],
): { decisionId: string; version: number }[] {
  const seen = new Map<string, { decisionId: string; version: number }>();
  for (const record of records) {
    if (!record.eventName || !DELIVERED_EVENTS.has(record.eventName)) continue;
    const keys = record.dynamodb?.Keys;
    if (!keys) continue;
    const key = unmarshall(keys as Record<string, AttributeValue>);
    const version = Number(key.version);
    if (typeof key.decisionId !== 'string' || !Number.isInteger(version)) continue;
    seen.set(`${key.decisionId}#v${version}`, { decisionId: key.decisionId, version });
  }
  return [...seen.values()];
}

/** What the handler is built from. */
export interface StreamDeadLetterDeps {
  /** Reads the records of a range; throws StreamRangeGone when they have aged out. */
  readRange: (range: StreamRange) => Promise<StreamRecord[]>;
  outcomes: OutcomeStore;
  log: Log;
  clock: () => Date;
}

/**
 * Builds the SQS handler: a message fails (and is retried, then dead-lettered) unless recorded;
 * Powertools Batch reports each message that threw as a batch item failure.
 */
export function makeStreamDeadLetterHandler(deps: StreamDeadLetterDeps) {
  const processRecord = async (message: SQSRecord) => {
    const notice = streamFailureOf(message.body);
    if (!notice) {
      // Nothing else writes to this queue: an unknown body is kept (it ends in the alarmed
      // dead-letter queue) for a person to read, not dropped.
      deps.log.error('not a stream on-failure message', { messageId: message.messageId });
      throw new Error('not a stream on-failure message');
    }
    try {
      const versions = decisionVersionsOf(await deps.readRange(notice.range));
      const fallback = `stream batch given up (${notice.condition}${notice.approximateInvokeCount ? ` after ${notice.approximateInvokeCount} attempts` : ''})`;
      for (const ref of versions) {
        const outcome = await recordDeadLetter(deps.outcomes, ref, fallback, deps.clock());
        // A version of the range that had already ended (a record after the failed one) keeps
        // its outcome: recordDeadLetter never overwrites one.
        if (outcome.outcome === 'dead-lettered')
          deps.log.error('decision dead-lettered', { ...ref, reason: outcome.reason });
        else
          deps.log.info('decision of a failed batch had its outcome', {
            ...ref,
            outcome: outcome.outcome,
          });
      }
      deps.log.info('stream dead letter recorded', {
        ...notice.range,
        condition: notice.condition,
        versions: versions.length,
      });
    } catch (error) {
      // Ids and stream positions only: the records themselves hold student data.
      deps.log.error('stream dead letter not recorded', {
        messageId: message.messageId,
        ...notice.range,
        condition: notice.condition,
        ...(notice.firstRecordAt ? { firstRecordAt: notice.firstRecordAt } : {}),
        error: (error as Error).message,
        agedOut: (error as Error).name === 'StreamRangeGone',
      });
      throw error;
    }
  };
  return sqsBatchHandler(processRecord);
}

/** The Lambda handler (dependencies built on the first event, then reused). */
export const handler = awsHandler(async () => {
  const { awsPlatform } = await import('../platform/aws.ts');
  const { buildStreamDeadLetter } = await import('../platform/use-cases/stream-dead-letter.ts');
  return makeStreamDeadLetterHandler(buildStreamDeadLetter(awsPlatform()));
});
