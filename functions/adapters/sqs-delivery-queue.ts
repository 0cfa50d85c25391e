/** The delivery queue on AWS: one SQS message per delivery job. */
import { createHash } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryJob, DeliveryQueue } from '../pipeline/ports.ts';

export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(job: DeliveryJob): Promise<void> {
    // A FIFO queue drops a repeated job within its 5-minute window; a standard queue may
    // deliver twice anyway: the deliver use case is idempotent either way.
    const fifo = this.queueUrl.endsWith('.fifo');
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(job),
        ...(fifo
          ? {
              MessageGroupId: job.decisionId,
              MessageDeduplicationId: createHash('sha256')
                .update(job.jobId)
                .digest('hex')
                .slice(0, 64),
            }
          : {}),
      }),
    );
  }
}
