/**
 * The responses table (append-only: one item per signed answer) and the response codes table
 * (one item per link: its one-time code and wrong-try counter, expiring with the link).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { type CodeState, NO_CODE } from '../core/response-code.ts';
import type {
  CodeStore,
  ResponseFollowUpStore,
  ResponseRecord,
  ResponseStore,
} from '../pipeline/response-ports.ts';

async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export class DynamoResponseStore implements ResponseStore, ResponseFollowUpStore {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  append(record: ResponseRecord): Promise<boolean> {
    return conditional(() =>
      this.db.put({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(responseKey)',
      }),
    );
  }

  async attachDocument(decisionId: string, responseKey: string, documentId: string): Promise<void> {
    // Once: the answer's content is never rewritten, and its PDF is set a single time.
    await conditional(() =>
      this.db.update({
        TableName: this.tableName,
        Key: { decisionId, responseKey },
        UpdateExpression: 'SET documentId = :d',
        ConditionExpression: 'attribute_exists(responseKey) AND attribute_not_exists(documentId)',
        ExpressionAttributeValues: { ':d': documentId },
      }),
    );
  }

  async get(decisionId: string, responseKey: string): Promise<ResponseRecord | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { decisionId, responseKey },
      ConsistentRead: true,
    });
    return Item as ResponseRecord | undefined;
  }

  claimNotice(decisionId: string, responseKey: string, at: string, staleBefore: string) {
    return conditional(() =>
      this.db.update({
        TableName: this.tableName,
        Key: { decisionId, responseKey },
        UpdateExpression: 'SET noticeClaimedAt = :at',
        ConditionExpression:
          'attribute_exists(responseKey) AND attribute_not_exists(noticeSentAt) AND ' +
          '(attribute_not_exists(noticeClaimedAt) OR noticeClaimedAt < :stale)',
        ExpressionAttributeValues: { ':at': at, ':stale': staleBefore },
      }),
    );
  }

  async markNoticeSent(decisionId: string, responseKey: string, claimedAt: string, at: string) {
    await conditional(() =>
      this.db.update({
        TableName: this.tableName,
        Key: { decisionId, responseKey },
        UpdateExpression: 'SET noticeSentAt = :at',
        ConditionExpression: 'noticeClaimedAt = :mine AND attribute_not_exists(noticeSentAt)',
        ExpressionAttributeValues: { ':at': at, ':mine': claimedAt },
      }),
    );
  }

  async releaseNotice(decisionId: string, responseKey: string, claimedAt: string) {
    await conditional(() =>
      this.db.update({
        TableName: this.tableName,
        Key: { decisionId, responseKey },
        UpdateExpression: 'REMOVE noticeClaimedAt',
        ConditionExpression: 'noticeClaimedAt = :mine',
        ExpressionAttributeValues: { ':mine': claimedAt },
      }),
    );
  }

  listFor(decisionId: string, version: number, recipientId: string): Promise<ResponseRecord[]> {
    const prefix = `v${String(version).padStart(6, '0')}#${recipientId}#`;
    return this.#query(decisionId, prefix);
  }

  listDecision(decisionId: string): Promise<ResponseRecord[]> {
    return this.#query(decisionId);
  }

  async #query(decisionId: string, prefix?: string): Promise<ResponseRecord[]> {
    const items: ResponseRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        KeyConditionExpression: prefix
          ? 'decisionId = :d AND begins_with(responseKey, :p)'
          : 'decisionId = :d',
        ExpressionAttributeValues: { ':d': decisionId, ...(prefix ? { ':p': prefix } : {}) },
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      items.push(...((page.Items ?? []) as ResponseRecord[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

export class DynamoCodeStore implements CodeStore {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(linkId: string): Promise<CodeState> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { linkId },
      ConsistentRead: true,
    });
    if (!Item) return NO_CODE;
    // 0 stands for "not yet" in the item (a condition cannot compare a missing attribute).
    const { linkId: _id, expiresAt: _e, issuedAt, usedAt, ...state } = Item;
    return {
      ...(state as CodeState),
      ...(issuedAt ? { issuedAt: issuedAt as number } : {}),
      ...(usedAt ? { usedAt: usedAt as number } : {}),
    };
  }

  save(linkId: string, next: CodeState, previous: CodeState, expiresAt: number): Promise<boolean> {
    // Optimistic: the counters only grow, so equal counters mean nobody wrote in between.
    return conditional(() =>
      this.db.put({
        TableName: this.tableName,
        Item: { issuedAt: 0, usedAt: 0, ...next, linkId, expiresAt },
        ConditionExpression:
          'attribute_not_exists(linkId) OR (attempts = :a AND sent = :s AND #at = :t AND #used = :u)',
        ExpressionAttributeNames: { '#at': 'issuedAt', '#used': 'usedAt' },
        ExpressionAttributeValues: {
          ':a': previous.attempts,
          ':s': previous.sent,
          ':t': previous.issuedAt ?? 0,
          ':u': previous.usedAt ?? 0,
        },
      }),
    );
  }
}
