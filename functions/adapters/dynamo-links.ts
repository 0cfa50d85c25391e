/** The links table (keyed by token hash) and the access log (one item per document fetched). */
import { randomBytes } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { AccessEntry, AccessLog, LinkRecord, LinkStore } from '../pipeline/delivery-ports.ts';
import {
  RecipientLinksRevoked,
  type RecipientRevocation,
  recipientRevocationKey,
} from '../pipeline/recipient-revocation.ts';

export class DynamoLinkStore implements LinkStore {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  /**
   * One transaction: the recipient's revocation marker must not cover the link's version, and
   * the token hash must be new. Serialized with the marker's write (recipient-revocation.ts).
   */
  async put(link: LinkRecord): Promise<void> {
    try {
      await this.db.transactWrite({
        TransactItems: [
          {
            ConditionCheck: {
              TableName: this.tableName,
              Key: { tokenHash: recipientRevocationKey(link.decisionId, link.recipientId) },
              ConditionExpression: 'attribute_not_exists(tokenHash) OR throughVersion < :v',
              ExpressionAttributeValues: { ':v': link.version },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: link,
              ConditionExpression: 'attribute_not_exists(tokenHash)',
            },
          },
        ],
      });
    } catch (error) {
      const [marker] = (error as TransactionCanceledException).CancellationReasons ?? [];
      if (
        error instanceof TransactionCanceledException &&
        marker?.Code === 'ConditionalCheckFailed'
      )
        throw new RecipientLinksRevoked(link.decisionId, link.recipientId, link.version);
      throw error;
    }
  }

  async markRecipientRevoked(marker: RecipientRevocation): Promise<void> {
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { tokenHash: recipientRevocationKey(marker.decisionId, marker.recipientId) },
        UpdateExpression:
          'SET throughVersion = :v, decisionId = :d, recipientId = :r, revokedAt = if_not_exists(revokedAt, :at)',
        // Only ever extended to newer versions: a second run never narrows the first.
        ConditionExpression: 'attribute_not_exists(throughVersion) OR throughVersion < :v',
        ExpressionAttributeValues: {
          ':v': marker.throughVersion,
          ':d': marker.decisionId,
          ':r': marker.recipientId,
          ':at': marker.revokedAt,
        },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async recipientRevocation(
    decisionId: string,
    recipientId: string,
  ): Promise<RecipientRevocation | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { tokenHash: recipientRevocationKey(decisionId, recipientId) },
      ConsistentRead: true,
    });
    return Item
      ? {
          decisionId,
          recipientId,
          throughVersion: Number(Item.throughVersion),
          revokedAt: String(Item.revokedAt),
        }
      : undefined;
  }

  async get(tokenHash: string): Promise<LinkRecord | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { tokenHash },
      ConsistentRead: true,
    });
    return Item as LinkRecord | undefined;
  }

  async revoke(tokenHash: string, at: string): Promise<void> {
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { tokenHash },
        UpdateExpression: 'SET revokedAt = :at',
        // Keeps the first revocation time; a link already gone (expired) stays gone.
        ConditionExpression: 'attribute_exists(tokenHash) AND attribute_not_exists(revokedAt)',
        ExpressionAttributeValues: { ':at': at },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

export class DynamoAccessLog implements AccessLog {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async record(entry: AccessEntry): Promise<void> {
    // Two fetches in the same millisecond must both be kept: the sort key gets a random suffix.
    const accessedAt = `${entry.accessedAt}#${randomBytes(4).toString('hex')}`;
    await this.db.put({
      TableName: this.tableName,
      Item: { ...entry, accessedAt, at: entry.accessedAt },
      ConditionExpression: 'attribute_not_exists(linkId)',
    });
  }

  async list(linkId: string): Promise<AccessEntry[]> {
    const items: AccessEntry[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        KeyConditionExpression: 'linkId = :id',
        ExpressionAttributeValues: { ':id': linkId },
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      for (const item of page.Items ?? []) {
        const { at, ...rest } = item as AccessEntry & { at: string };
        items.push({ ...rest, accessedAt: at });
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
