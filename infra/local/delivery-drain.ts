/**
 * The local delivery queue's consumer: the deliver handler invoked as an SQS event source
 * mapping would (batches of ten, partial failures, redelivery after the visibility timeout,
 * dead letters after the contract's receives).
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryJob } from '../../functions/pipeline/ports.ts';
import type { LocalQueue, ReceivedMessage } from './local-queue.ts';

/** A handler of one SQS batch that reports the messages it could not process. */
type BatchHandler = (
  event: SQSEvent,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

/**
 * Processes `queue` until it is empty: failed jobs come back after their visibility timeout,
 * then go to the dead letters with `lastError` of their job.
 */
export function drainer(
  queue: LocalQueue,
  handler: BatchHandler,
  lastError: (job: DeliveryJob) => string | undefined,
  clock: () => Date,
): () => Promise<void> {
  const lastErrorOf = (body: string) => {
    try {
      return lastError(JSON.parse(body) as DeliveryJob) ?? 'not a delivery job';
    } catch {
      return 'not a delivery job';
    }
  };
  return async () => {
    for (;;) {
      const messages = await queue.receive(10);
      if (messages.length === 0) {
        const { count, nextVisibleAt } = await queue.pending();
        if (count === 0) return;
        // In flight or waiting for its visibility timeout: wait for it, as SQS would.
        const wait = Math.max(50, Math.min(5_000, (nextVisibleAt ?? 0) - clock().getTime()));
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      const response = await handler({ Records: messages.map(sqsRecord) });
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      for (const message of messages) {
        if (failed.has(message.messageId))
          await queue.recordFailure(message, lastErrorOf(message.body));
        else await queue.delete(message);
      }
    }
  };
}

/** A message as the SQS event source mapping hands it to the handler. */
function sqsRecord(message: ReceivedMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(Date.parse(message.sentAt)),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:delivery',
    awsRegion: 'local',
  };
}
