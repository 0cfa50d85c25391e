/**
 * The mailroom's queue on AWS: one SQS message per postal packet stored, ids and the S3 key
 * only (the address is on the packet's cover letter, never in the message).
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PostalNotifier, PostalPacketReady } from '../pipeline/delivery-ports.ts';

export class SqsPostalNotifier implements PostalNotifier {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    /** The documents bucket, named in each message so the reader needs no other setting. */
    private readonly bucket: string,
  ) {}

  async packetReady(packet: PostalPacketReady): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify({
          type: 'postal-packet-ready',
          bucket: this.bucket,
          ...packet,
        }),
      }),
    );
  }
}
