/** The document records table: one item per stored PDF, written once. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { DocumentRecord, DocumentRecords } from '../pipeline/ports.ts';

/** Sorts a decision's documents: version, then type, language and rendition. */
export function documentKey(
  r: Pick<DocumentRecord, 'version' | 'type' | 'language' | 'rendition'>,
): string {
  return `v${String(r.version).padStart(7, '0')}#${r.type}#${r.language}#r${String(r.rendition).padStart(4, '0')}`;
}

export class DynamoDocumentRecords implements DocumentRecords {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(documentId: string): Promise<DocumentRecord | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { documentId },
      ConsistentRead: true,
    });
    return Item ? strip(Item) : undefined;
  }

  async putOnce(record: DocumentRecord): Promise<boolean> {
    try {
      await this.db.put({
        TableName: this.tableName,
        Item: { ...record, documentKey: documentKey(record) },
        ConditionExpression: 'attribute_not_exists(documentId)',
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listForDecision(decisionId: string): Promise<DocumentRecord[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        IndexName: 'byDecision',
        KeyConditionExpression: 'decisionId = :id',
        ExpressionAttributeValues: { ':id': decisionId },
        ExclusiveStartKey,
      });
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.map(strip);
  }
}

function strip(item: Record<string, unknown>): DocumentRecord {
  const { documentKey: _documentKey, ...record } = item;
  return record as unknown as DocumentRecord;
}
