/**
 * The translations table (the district's translation office writes it): a version's
 * translations read when the version is rendered, and an item written by
 * `iep-docs translation import --table`.
 */
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { parseTranslationItem, type TranslationItem, translationKey } from '../core/translation.ts';
import type { TranslationReader } from '../pipeline/render-decision.ts';

export class DynamoTranslations implements TranslationReader {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  /**
   * Every language's translation of one version. An item that is not a translation is left
   * out here: its own stream record reports it (render-translations), rendering goes on.
   */
  async forVersion(decisionId: string, version: number): Promise<TranslationItem[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        KeyConditionExpression: 'decisionId = :id AND begins_with(translationKey, :prefix)',
        ExpressionAttributeValues: { ':id': decisionId, ':prefix': `${version}#` },
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.flatMap((value) => {
      const parsed = parseTranslationItem(value);
      return 'item' in parsed && parsed.item.version === version ? [parsed.item] : [];
    });
  }

  /** Writes (or replaces: a corrected translation) one translations item, with its sort key. */
  async put(item: TranslationItem): Promise<void> {
    await this.db.put({
      TableName: this.tableName,
      Item: { ...item, translationKey: translationKey(item.version, item.language) },
    });
  }
}
