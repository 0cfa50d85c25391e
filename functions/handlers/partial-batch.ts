/**
 * The Powertools Batch setup every queue and stream handler shares: records processed one at a
 * time, in order, and each failure reported alone (ReportBatchItemFailures), so one bad record
 * is retried without the others and a batch that fails whole is not thrown.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type {
  Context,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import type { Log } from '../pipeline/ports.ts';

const options = (context: Context | undefined) => ({
  ...(context ? { context } : {}),
  processInParallel: false as const,
  throwOnFullBatchFailure: false,
});

/** An SQS event source's handler over `processRecord`. */
export function sqsBatchHandler(
  processRecord: (record: SQSRecord, context?: Context) => Promise<unknown>,
) {
  const processor = new BatchProcessor(EventType.SQS);
  return (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, processRecord, processor, options(context));
}

/** A DynamoDB stream event source's handler over `processRecord`. */
export function streamBatchHandler(
  processRecord: (record: DynamoDBRecord, context?: Context) => Promise<unknown>,
) {
  const processor = new BatchProcessor(EventType.DynamoDBStreams);
  return (event: DynamoDBStreamEvent, context?: Context): Promise<DynamoDBBatchResponse> =>
    processPartialResponse(event, processRecord, processor, options(context));
}

/**
 * A stream handler over one table's items: each record's reference (a record without a new
 * image is ignored), processed; a failure is logged with the reference's ids only and thrown,
 * so its record alone is retried.
 */
export function streamItemHandler<Ref>(parts: {
  refOf: (record: DynamoDBRecord) => Ref | undefined;
  process: (ref: Ref) => Promise<unknown>;
  log: Log;
  /** The log message of a failed record ("… failed, will be retried"). */
  failure: string;
  idsOf: (ref: Ref) => Record<string, string | number>;
}) {
  return streamBatchHandler(async (record) => {
    const ref = parts.refOf(record);
    if (!ref) {
      parts.log.info('stream record without a new image ignored', { eventName: record.eventName });
      return;
    }
    try {
      return await parts.process(ref);
    } catch (error) {
      parts.log.error(parts.failure, {
        ...parts.idsOf(ref),
        reason: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  });
}
