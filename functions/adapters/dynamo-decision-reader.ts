/** Reads a decision item as the district wrote it (plain values), for the deliver use case. */
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { DecisionReader } from '../pipeline/delivery-ports.ts';

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
}
