/** Reads meeting items (the district's writes) and records safeguards givings, in DynamoDB. */
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { SafeguardsGiving } from '../core/safeguards.ts';
import type { VersionStatus } from '../pipeline/link-standing.ts';
import type { MeetingReader, SafeguardsStore } from '../pipeline/meeting-ports.ts';

export class DynamoMeetingReader implements MeetingReader {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(meetingId: string, revision: number): Promise<unknown | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { meetingId, revision },
      ConsistentRead: true,
    });
    return Item;
  }

  /** Every revision as a version in force while no later one exists (a reschedule replaces it). */
  async versions(meetingId: string): Promise<VersionStatus[]> {
    const { Items } = await this.db.query({
      TableName: this.tableName,
      KeyConditionExpression: 'meetingId = :id',
      ExpressionAttributeValues: { ':id': meetingId },
      ProjectionExpression: 'revision',
      ConsistentRead: true,
    });
    return (Items ?? []).map((i) => ({ version: Number(i.revision), status: 'finalized' }));
  }
}

export class DynamoSafeguardsStore implements SafeguardsStore {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async putOnce(giving: SafeguardsGiving): Promise<boolean> {
    try {
      await this.db.put({
        TableName: this.tableName,
        Item: giving,
        ConditionExpression: 'attribute_not_exists(givingKey)',
      });
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async forStudent(studentKey: string): Promise<SafeguardsGiving[]> {
    const items: SafeguardsGiving[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        KeyConditionExpression: 'studentKey = :k',
        ExpressionAttributeValues: { ':k': studentKey },
        ConsistentRead: true,
        ...(start ? { ExclusiveStartKey: start } : {}),
      });
      items.push(...((page.Items ?? []) as SafeguardsGiving[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
