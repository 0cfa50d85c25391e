/**
 * The outcomes table: one item per decision version. The final outcome is written once
 * (attribute_not_exists(outcome)); failed attempts are counted on the same item before it.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { MeetingNoticeFacts } from '../core/late-notices.ts';
import { meetingRecordPrefix } from '../core/meeting.ts';
import type { DecisionOutcome, OutcomeStore } from '../pipeline/ports.ts';

/** Reads and conditional writes of one translated language before giving up (the stream retries). */
const TRANSLATED_ATTEMPTS = 5;

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

  /**
   * One conditional update per attempt, the commit marker of a later translation: the
   * language added to `translated` once, its documents appended once, and the language taken
   * out of `translationPending` in the same write, so the stored outcome never says pending
   * for what was delivered. A list element is removed by index: the condition pins the list
   * as read, and a concurrent commit of another language makes the next attempt read again.
   */
  async recordTranslated(
    decisionId: string,
    version: number,
    language: string,
    documentIds: readonly string[],
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= TRANSLATED_ATTEMPTS; attempt++) {
      const { Item } = await this.db.get({
        TableName: this.tableName,
        Key: { decisionId, version },
        ConsistentRead: true,
      });
      if (!Item?.outcome || (Item.translated as string[] | undefined)?.includes(language))
        return false;
      const pending = (Item.translationPending as string[] | undefined) ?? [];
      const index = pending.indexOf(language);
      const removal = index < 0 ? '' : ` REMOVE translationPending[${index}]`;
      try {
        await this.db.update({
          TableName: this.tableName,
          Key: { decisionId, version },
          UpdateExpression: `SET documentIds = list_append(if_not_exists(documentIds, :none), :ids), translated = list_append(if_not_exists(translated, :none), :language)${removal}`,
          ConditionExpression: `attribute_exists(#outcome) AND NOT contains(translated, :tag) AND ${
            index < 0
              ? 'NOT contains(translationPending, :tag)'
              : `size(translationPending) = :size AND translationPending[${index}] = :tag`
          }`,
          ExpressionAttributeNames: { '#outcome': 'outcome' },
          ExpressionAttributeValues: {
            ':none': [],
            ':ids': [...documentIds],
            ':language': [language],
            ':tag': language,
            ...(index < 0 ? {} : { ':size': pending.length }),
          },
        });
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(
      `${decisionId} v${version}: the outcome kept changing while ${language} was recorded translated`,
    );
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
