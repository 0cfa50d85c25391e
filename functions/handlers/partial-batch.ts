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
