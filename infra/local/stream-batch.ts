/**
 * One batch of a stream mapping on one machine, as Lambda's event source mapping handles it:
 * invocations, partial batch responses, bisection on a thrown error, retries with back-off,
 * and the on-failure destination once the retries are exhausted (stream-poller.ts reads the
 * shards and checkpoints).
 */
import { randomUUID } from 'node:crypto';
import type {
  Context,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  DynamoDBStreamHandler,
} from 'aws-lambda';
import type { StreamRecordFailure } from './stream-checkpoints.ts';
import { type Invocation, readBatchResponse, sequenceNumberOf } from './stream-records.ts';

/** How batches are delivered: the mapping's settings, resolved (stream-poller.ts's defaults). */
export interface BatchSettings {
  readonly handler: DynamoDBStreamHandler;
  /** Retries of a failing record before it goes to onFailure (-1: forever). */
  readonly maxRetryAttempts: number;
  readonly bisectBatchOnFunctionError: boolean;
  readonly reportBatchItemFailures: boolean;
  /** First pause before a retry, doubled per attempt up to 5 s. */
  readonly retryDelayMs: number;
  /** Function name shown in the handler's context. */
  readonly functionName: string;
  readonly onFailure?: (
    record: DynamoDBRecord,
    failure: StreamRecordFailure,
  ) => void | Promise<void>;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Invokes the handler until every record of the batch succeeded or was given up:
 * a partial failure checkpoints before the first failed record and retries from it; a thrown
 * error bisects the batch (when enabled) and counts a retry once a batch cannot be split.
 */
export async function deliverBatch(
  batch: DynamoDBRecord[],
  checkpoint: (sequenceNumber: string) => void,
  settings: BatchSettings,
): Promise<void> {
  const failedAttempts = new Map<string, number>();
  const failOnce = (record: DynamoDBRecord) => {
    const attempts = (failedAttempts.get(sequenceNumberOf(record)) ?? 0) + 1;
    failedAttempts.set(sequenceNumberOf(record), attempts);
    return attempts;
  };
  const exhausted = (attempts: number) =>
    settings.maxRetryAttempts >= 0 && attempts > settings.maxRetryAttempts;
  const pending: DynamoDBRecord[][] = [batch];
  while (pending.length > 0) {
    const current = pending[0] as DynamoDBRecord[];
    const outcome = await invoke(current, settings);
    if (outcome.kind === 'success') {
      pending.shift();
      checkpoint(sequenceNumberOf(current.at(-1) as DynamoDBRecord));
      continue;
    }
    if (outcome.kind === 'partial') {
      const done = current.slice(0, outcome.failedIndex);
      if (done.length > 0) checkpoint(sequenceNumberOf(done.at(-1) as DynamoDBRecord));
      const rest = current.slice(outcome.failedIndex);
      const failed = rest[0] as DynamoDBRecord;
      const attempts = failOnce(failed);
      if (exhausted(attempts)) {
        await giveUp(settings, [failed], attempts, 'reported in batchItemFailures');
        checkpoint(sequenceNumberOf(failed));
        rest.shift();
      } else {
        await backOff(settings, attempts);
      }
      if (rest.length > 0) pending[0] = rest;
      else pending.shift();
      continue;
    }
    if (current.length > 1 && settings.bisectBatchOnFunctionError) {
      const half = Math.ceil(current.length / 2);
      pending.splice(0, 1, current.slice(0, half), current.slice(half));
      continue;
    }
    const attempts = failOnce(current[0] as DynamoDBRecord);
    if (exhausted(attempts)) {
      await giveUp(settings, current, attempts, outcome.message);
      checkpoint(sequenceNumberOf(current.at(-1) as DynamoDBRecord));
      pending.shift();
    } else {
      await backOff(settings, attempts);
    }
  }
}

async function invoke(records: DynamoDBRecord[], settings: BatchSettings): Promise<Invocation> {
  // A fresh copy per invocation: a handler that mutates its event cannot change a retry.
  const event: DynamoDBStreamEvent = { Records: structuredClone(records) };
  let response: unknown;
  try {
    response = await settings.handler(event, lambdaContext(settings.functionName), () => undefined);
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (!settings.reportBatchItemFailures) {
    return { kind: 'success' };
  }
  return readBatchResponse(response, records);
}

async function giveUp(
  settings: BatchSettings,
  records: DynamoDBRecord[],
  attempts: number,
  lastError: string,
) {
  for (const record of records) {
    await settings.onFailure?.(record, {
      condition: 'RetryAttemptsExhausted',
      attempts,
      lastError,
    });
  }
}

async function backOff(settings: BatchSettings, attempts: number) {
  const first = settings.retryDelayMs;
  if (first > 0) await sleep(Math.min(first * 2 ** (attempts - 1), 5000));
}

/** A local stand-in of the Lambda context. */
function lambdaContext(functionName: string): Context {
  const deadline = Date.now() + 900_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
