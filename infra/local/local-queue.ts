/**
 * A durable queue with SQS's semantics, on one machine, in a DynamoDB Local table (no SQS
 * emulator runs here without Docker): at-least-once delivery, a visibility timeout (a
 * received message is hidden, and comes back unless deleted in time), a receive count, and a
 * dead-letter list after maxReceiveCount receives, as an SQS redrive policy does.
 *
 * One item per message: (queueName, messageId). Receiving is a conditional update on the
 * message's current receipt handle, so two consumers never both get the same receive.
 */
import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { TableDefinition } from '../../functions/contract/resources.ts';
import type { DeliveryJob, DeliveryQueue } from '../../functions/pipeline/ports.ts';
import { createTableInput } from './provision.ts';

/** The queue table (local only: on AWS the queue is SQS). */
export const localQueueTable: TableDefinition = {
  logicalName: 'queue',
  partitionKey: { name: 'queueName', type: 'S' },
  sortKey: { name: 'messageId', type: 'S' },
  globalIndexes: [],
};

/** Creates the queue table unless it exists. */
export async function ensureQueueTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await dynamodb.send(new CreateTableCommand(createTableInput(localQueueTable, tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/** Settings, as on an SQS queue with a redrive policy. */
export interface LocalQueueOptions {
  db: DynamoDBDocument;
  tableName: string;
  queueName: string;
  /** Milliseconds a received message stays hidden (SQS VisibilityTimeout). */
  visibilityTimeoutMs?: number;
  /** Receives before a message moves to the dead-letter list (redrive maxReceiveCount). */
  maxReceiveCount?: number;
  clock?: () => Date;
}

/** A received message. */
export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string;
  /** 1 on the first receive (SQS ApproximateReceiveCount). */
  receiveCount: number;
  sentAt: string;
}

/** A message that exhausted its receives. */
export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  lastError?: string;
  deadAt: string;
}

interface Item {
  queueName: string;
  messageId: string;
  body: string;
  state: 'ready' | 'dead';
  visibleAt: number;
  receiveCount: number;
  receiptHandle?: string;
  lastError?: string;
  sentAt: string;
  deadAt?: string;
}

export class LocalQueue implements DeliveryQueue {
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  readonly #clock: () => Date;

  constructor(private readonly options: LocalQueueOptions) {
    this.visibilityTimeoutMs = options.visibilityTimeoutMs ?? 30_000;
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
    this.#clock = options.clock ?? (() => new Date());
  }

  /** Sends a delivery job (SendMessage). */
  async enqueue(job: DeliveryJob): Promise<void> {
    await this.send(JSON.stringify(job));
  }

  /** Sends a message body; returns its id. */
  async send(body: string): Promise<string> {
    const now = this.#clock();
    // Sortable by send time, so receives come roughly in order (SQS standard queues promise no order).
    const messageId = `${now.getTime().toString().padStart(15, '0')}-${randomBytes(6).toString('hex')}`;
    const item: Item = {
      queueName: this.options.queueName,
      messageId,
      body,
      state: 'ready',
      visibleAt: now.getTime(),
      receiveCount: 0,
      sentAt: now.toISOString(),
    };
    await this.options.db.put({ TableName: this.options.tableName, Item: item });
    return messageId;
  }

  /** Receives up to `max` visible messages, hiding each for the visibility timeout (ReceiveMessage). */
  async receive(max = 10): Promise<ReceivedMessage[]> {
    const now = this.#clock().getTime();
    const received: ReceivedMessage[] = [];
    for (const item of await this.#items('ready')) {
      if (received.length >= max) break;
      if (item.visibleAt > now) continue;
      if (item.receiveCount >= this.maxReceiveCount) {
        await this.#toDeadLetters(item);
        continue;
      }
      const receiptHandle = randomBytes(12).toString('hex');
      try {
        await this.options.db.update({
          TableName: this.options.tableName,
          Key: { queueName: item.queueName, messageId: item.messageId },
          UpdateExpression:
            'SET visibleAt = :until, receiveCount = receiveCount + :one, receiptHandle = :handle',
          ConditionExpression: '#state = :ready AND visibleAt = :seen AND receiveCount = :count',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':until': now + this.visibilityTimeoutMs,
            ':one': 1,
            ':handle': receiptHandle,
            ':ready': 'ready',
            ':seen': item.visibleAt,
            ':count': item.receiveCount,
          },
        });
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) continue; // another consumer got it
        throw error;
      }
      received.push({
        messageId: item.messageId,
        receiptHandle,
        body: item.body,
        receiveCount: item.receiveCount + 1,
        sentAt: item.sentAt,
      });
    }
    return received;
  }

  /** Deletes a processed message (DeleteMessage); false when the receipt handle is stale (it was received again). */
  async delete(message: Pick<ReceivedMessage, 'messageId' | 'receiptHandle'>): Promise<boolean> {
    try {
      await this.options.db.delete({
        TableName: this.options.tableName,
        Key: { queueName: this.options.queueName, messageId: message.messageId },
        ConditionExpression: 'receiptHandle = :handle',
        ExpressionAttributeValues: { ':handle': message.receiptHandle },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Keeps why a receive failed (shown with the dead letter); the message reappears after its visibility timeout. */
  async recordFailure(
    message: Pick<ReceivedMessage, 'messageId' | 'receiptHandle'>,
    reason: string,
  ): Promise<void> {
    try {
      await this.options.db.update({
        TableName: this.options.tableName,
        Key: { queueName: this.options.queueName, messageId: message.messageId },
        UpdateExpression: 'SET lastError = :reason',
        ConditionExpression: 'receiptHandle = :handle',
        ExpressionAttributeValues: {
          ':reason': reason.slice(0, 2000),
          ':handle': message.receiptHandle,
        },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Messages not yet processed (visible or in flight), and when the next one becomes visible. */
  async pending(): Promise<{ count: number; nextVisibleAt?: number }> {
    const ready = await this.#items('ready');
    if (ready.length === 0) return { count: 0 };
    return { count: ready.length, nextVisibleAt: Math.min(...ready.map((i) => i.visibleAt)) };
  }

  /** The dead-letter list. */
  async deadLetters(): Promise<DeadLetter[]> {
    return (await this.#items('dead')).map((i) => ({
      messageId: i.messageId,
      body: i.body,
      receiveCount: i.receiveCount,
      ...(i.lastError ? { lastError: i.lastError } : {}),
      deadAt: i.deadAt ?? '',
    }));
  }

  async #toDeadLetters(item: Item): Promise<void> {
    try {
      await this.options.db.update({
        TableName: this.options.tableName,
        Key: { queueName: item.queueName, messageId: item.messageId },
        UpdateExpression: 'SET #state = :dead, deadAt = :at',
        ConditionExpression: '#state = :ready AND receiveCount = :count',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':dead': 'dead',
          ':ready': 'ready',
          ':at': this.#clock().toISOString(),
          ':count': item.receiveCount,
        },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async #items(state: Item['state']): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.options.db.query({
        TableName: this.options.tableName,
        KeyConditionExpression: 'queueName = :q',
        FilterExpression: '#state = :state',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':q': this.options.queueName, ':state': state },
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      items.push(...((page.Items ?? []) as Item[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
