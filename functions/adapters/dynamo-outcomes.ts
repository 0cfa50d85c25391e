/**
 * The outcomes table: one item per decision version. The final outcome is written once
 * (attribute_not_exists(outcome)); failed attempts are counted on the same item before it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { MeetingNoticeFacts } from '../core/late-notices.ts';
import { meetingRecordPrefix } from '../core/meeting.ts';
import type { DecisionOutcome, OutcomeStore } from '../pipeline/ports.ts';

export class DynamoOutcomeStore implements OutcomeStore {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(decisionId: string, version: number): Promise<DecisionOutcome | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { decisionId, version },
      ConsistentRead: true,
    });
    return Item?.outcome ? toOutcome(Item) : undefined;
  }

  async recordOnce(outcome: DecisionOutcome): Promise<boolean> {
    const { decisionId, version, ...rest } = outcome;
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets = Object.entries(rest).map(([key, value], i) => {
      names[`#a${i}`] = key;
      values[`:v${i}`] = value;
      return `#a${i} = :v${i}`;
    });
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { decisionId, version },
        UpdateExpression: `SET ${sets.join(', ')}`,
        ConditionExpression: 'attribute_not_exists(#outcome)',
        ExpressionAttributeNames: { ...names, '#outcome': 'outcome' },
        ExpressionAttributeValues: values,
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async recordAttemptFailure(decisionId: string, version: number, reason: string): Promise<void> {
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { decisionId, version },
        UpdateExpression: 'SET lastFailure = :reason ADD failedAttempts :one',
        ConditionExpression: 'attribute_not_exists(#outcome)',
        ExpressionAttributeNames: { '#outcome': 'outcome' },
        ExpressionAttributeValues: { ':reason': reason, ':one': 1 },
      });
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async lastFailure(decisionId: string, version: number): Promise<string | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { decisionId, version },
      ConsistentRead: true,
    });
    return typeof Item?.lastFailure === 'string' ? Item.lastFailure : undefined;
  }

  async markWithdrawn(decisionId: string, version: number, at: string): Promise<void> {
    await this.db.update({
      TableName: this.tableName,
      Key: { decisionId, version },
      UpdateExpression: 'SET withdrawnAt = if_not_exists(withdrawnAt, :at)',
      ExpressionAttributeValues: { ':at': at },
    });
  }

  async recordTranslated(
    decisionId: string,
    version: number,
    language: string,
    documentIds: readonly string[],
  ): Promise<boolean> {
    try {
      // One conditional update: the language is added once, its documents appended once.
      await this.db.update({
        TableName: this.tableName,
        Key: { decisionId, version },
        UpdateExpression:
          'SET documentIds = list_append(if_not_exists(documentIds, :none), :ids), translated = list_append(if_not_exists(translated, :none), :language)',
        ConditionExpression: 'attribute_exists(#outcome) AND NOT contains(translated, :tag)',
        ExpressionAttributeNames: { '#outcome': 'outcome' },
        ExpressionAttributeValues: {
          ':none': [],
          ':ids': [...documentIds],
          ':language': [language],
          ':tag': language,
        },
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listVersions(decisionId: string): Promise<DecisionOutcome[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        KeyConditionExpression: 'decisionId = :id',
        ExpressionAttributeValues: { ':id': decisionId },
        ScanIndexForward: false,
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.filter((i) => i.outcome).map(toOutcome);
  }
}

/**
 * The timing of every meeting notice of a district (the overdue report's late notices): a scan
 * of the outcomes table, a daily batch read, never on a request path.
 */
export async function meetingNoticesOf(
  db: DynamoDBDocument,
  tableName: string,
  districtId: string,
): Promise<MeetingNoticeFacts[]> {
  const found: MeetingNoticeFacts[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.scan({
      TableName: tableName,
      FilterExpression:
        'districtId = :d AND begins_with(decisionId, :m) AND attribute_exists(meetingNotice)',
      ExpressionAttributeValues: { ':d': districtId, ':m': meetingRecordPrefix },
      ProjectionExpression: 'meetingNotice',
      ExclusiveStartKey,
    });
    for (const item of page.Items ?? []) found.push(item.meetingNotice as MeetingNoticeFacts);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return found;
}

function toOutcome(item: Record<string, unknown>): DecisionOutcome {
  const { lastFailure: _lastFailure, failedAttempts: _failedAttempts, ...outcome } = item;
  return outcome as unknown as DecisionOutcome;
}
