/**
 * The regeneration queue as a job's starter sees it: items sent ten to a SendMessageBatch call
 * (SQS's maximum), several calls in flight, entries SQS refused sent again a few times. Bodies
 * are `{ decisionId, version, jobId }`: ids only (functions/handlers/regenerate.ts reads them).
 */
import {
  GetQueueAttributesCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { RegenerateItem } from '../pipeline/regenerate.ts';

/** Entries per SendMessageBatch call (SQS accepts at most 10). */
export const SEND_BATCH_SIZE = 10;

/** Messages of a queue, as SQS approximates them. */
export interface QueueDepth {
  /** Waiting to be received. */
  readonly waiting: number;
  /** Received, not yet deleted (being processed, or failed and waiting out the visibility). */
  readonly inFlight: number;
}

/** Options of {@link SqsRegenerationQueue}. */
export interface SqsRegenerationQueueOptions {
  /** SendMessageBatch calls in flight at once (default 8). */
  readonly concurrency?: number;
  /** Attempts of an entry SQS refused before the send fails (default 3). */
  readonly attempts?: number;
}

/** The regeneration queue. */
export class SqsRegenerationQueue {
  constructor(
    private readonly sqs: Pick<SQSClient, 'send'>,
    private readonly queueUrl: string,
    private readonly options: SqsRegenerationQueueOptions = {},
  ) {}

  /** Sends one message per item; throws naming how many could not be sent. */
  async send(items: readonly RegenerateItem[], onSent?: (sent: number) => void): Promise<void> {
    const batches: RegenerateItem[][] = [];
    for (let i = 0; i < items.length; i += SEND_BATCH_SIZE) {
      batches.push(items.slice(i, i + SEND_BATCH_SIZE));
    }
    let next = 0;
    let sent = 0;
    const unsent: string[] = [];
    const lane = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as RegenerateItem[];
        const failed = await this.sendBatch(batch);
        unsent.push(...failed);
        sent += batch.length - failed.length;
        onSent?.(sent);
      }
    };
    const lanes = Math.max(1, Math.min(this.options.concurrency ?? 8, batches.length));
    await Promise.all(Array.from({ length: lanes }, lane));
    if (unsent.length > 0) {
      throw new Error(
        `${unsent.length} of ${items.length} regeneration message(s) not sent (${unsent.slice(0, 3).join('; ')})`,
      );
    }
  }

  /** Sends a batch, again for the entries SQS refused; returns why each last refusal was. */
  private async sendBatch(items: readonly RegenerateItem[]): Promise<string[]> {
    let entries: SendMessageBatchRequestEntry[] = items.map((item, index) => ({
      Id: `m${index}`,
      MessageBody: JSON.stringify({
        decisionId: item.decisionId,
        version: item.version,
        jobId: item.jobId,
      }),
    }));
    let refused: string[] = [];
    for (
      let attempt = 1;
      attempt <= (this.options.attempts ?? 3) && entries.length > 0;
      attempt++
    ) {
      const { Failed = [] } = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      const failedIds = new Set(Failed.map((f) => f.Id));
      refused = Failed.map((f) => `${f.Code ?? 'error'}: ${f.Message ?? ''}`.trim());
      // A sender fault (a malformed entry) fails again however often it is sent.
      if (Failed.some((f) => f.SenderFault)) break;
      entries = entries.filter((entry) => failedIds.has(entry.Id));
    }
    return refused;
  }

  /** How many messages the queue holds. */
  async depth(): Promise<QueueDepth> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return {
      waiting: Number(Attributes.ApproximateNumberOfMessages ?? 0),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    };
  }
}

/** The AWS region of an SQS queue URL (`https://sqs.<region>.amazonaws.com/…`), if it names one. */
export function queueRegion(queueUrl: string): string | undefined {
  try {
    const host = new URL(queueUrl).hostname;
    return (
      /^sqs[.-]([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host)?.[1] ??
      /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host)?.[1]
    );
  } catch {
    return undefined;
  }
}
