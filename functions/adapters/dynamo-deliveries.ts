/** The deliveries table: one item per email or postal packet, claimed once, moved through guarded transitions. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord, DeliveryState, DeliveryStore } from '../pipeline/delivery-ports.ts';

/** The version prefix of deliveryKey: `v0000003#`. */
export function versionPrefix(version: number): string {
  return `v${String(version).padStart(7, '0')}#`;
}

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(deliveryId: string): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { deliveryId },
      ConsistentRead: true,
    });
    return Item as DeliveryRecord | undefined;
  }

  async claim(record: DeliveryRecord): Promise<boolean> {
    try {
      await this.db.put({
        TableName: this.tableName,
        Item: record,
        ConditionExpression: 'attribute_not_exists(deliveryId)',
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async transition(
    deliveryId: string,
    from: readonly DeliveryState[],
    changes: Partial<DeliveryRecord>,
  ): Promise<boolean> {
    const { deliveryId: _id, ...fields } = changes;
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (entries.length === 0) throw new Error('a transition must change something');
    const names: Record<string, string> = { '#state': 'state' };
    const values: Record<string, unknown> = {};
    const sets = entries.map(([name, value], i) => {
      names[`#f${i}`] = name;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    from.forEach((state, i) => {
      values[`:from${i}`] = state;
    });
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { deliveryId },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: `attribute_exists(deliveryId) AND #state IN (${from.map((_, i) => `:from${i}`).join(', ')})`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(deliveryId: string, claimedAt: string): Promise<void> {
    try {
      await this.db.delete({
        TableName: this.tableName,
        Key: { deliveryId },
        ConditionExpression: '#state = :sending AND claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending', ':claimedAt': claimedAt },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async listForDecision(decisionId: string, version?: number): Promise<DeliveryRecord[]> {
    const items: DeliveryRecord[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        IndexName: 'byDecision',
        KeyConditionExpression:
          version === undefined
            ? 'decisionId = :id'
            : 'decisionId = :id AND begins_with(deliveryKey, :prefix)',
        ExpressionAttributeValues: {
          ':id': decisionId,
          ...(version === undefined ? {} : { ':prefix': versionPrefix(version) }),
        },
        ExclusiveStartKey,
      });
      items.push(...((page.Items ?? []) as DeliveryRecord[]));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
