/** Reads a decision item as the district wrote it (plain values), for the deliver use case. */
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { DecisionReader } from '../pipeline/delivery-ports.ts';
import type { VersionStatus } from '../pipeline/link-standing.ts';

export class DynamoDecisionReader implements DecisionReader {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(decisionId: string, version: number): Promise<unknown | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { decisionId, version },
      ConsistentRead: true,
    });
    return Item;
  }

  /** Every version of a decision, its status and finalization time (a decision has a handful: one page). */
  async versions(decisionId: string): Promise<VersionStatus[]> {
    const { Items } = await this.db.query({
      TableName: this.tableName,
      KeyConditionExpression: 'decisionId = :id',
      ExpressionAttributeValues: { ':id': decisionId },
      ProjectionExpression: '#v, #s, #f',
      ExpressionAttributeNames: { '#v': 'version', '#s': 'status', '#f': 'finalizedAt' },
      ConsistentRead: true,
    });
    return (Items ?? []).map((i) => ({
      version: Number(i.version),
      status: String(i.status),
      ...(typeof i.finalizedAt === 'string' ? { finalizedAt: i.finalizedAt } : {}),
    }));
  }
}
