/**
 * Regeneration jobs in DynamoDB: the job ledger in the `runs` table (one item per finished
 * decision version, written once), and the finder of a district's finalized decisions in the
 * outcomes table.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { versionInForce } from '../core/versions.ts';
import type { DecisionOutcome } from '../pipeline/ports.ts';
import type { RunEntry, RunLedger } from '../pipeline/regenerate.ts';

/** Ledger items live 90 days: long enough to resume, short enough not to pile up. */
const LEDGER_TTL_SECONDS = 90 * 24 * 3600;

export class DynamoRunLedger implements RunLedger {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async isDone(jobId: string, itemKey: string): Promise<boolean> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { jobId, itemKey },
      ConsistentRead: true,
    });
    return Item !== undefined;
  }

  async finishOnce(entry: RunEntry): Promise<boolean> {
    try {
      await this.db.put({
        TableName: this.tableName,
        Item: {
          ...entry,
          expiresAt: Math.floor(Date.parse(entry.finishedAt) / 1000) + LEDGER_TTL_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(itemKey)',
      });
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async finished(jobId: string): Promise<RunEntry[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        KeyConditionExpression: 'jobId = :id',
        ExpressionAttributeValues: { ':id': jobId },
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.map(({ expiresAt: _expiresAt, ...entry }) => entry as unknown as RunEntry);
  }
}

/**
 * The decision versions in force of a district (finalized, documents ready, not withdrawn, the
 * highest such version of each decision), processed at or after `since` (ISO date) when given.
 * A full scan of the outcomes table: a batch job's read, never on a request path.
 */
export async function findFinalizedDecisions(
  db: DynamoDBDocument,
  outcomesTable: string,
  districtId: string,
  since?: string,
): Promise<{ decisionId: string; version: number }[]> {
  const byDecision = new Map<string, DecisionOutcome[]>();
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await db.scan({
      TableName: outcomesTable,
      // An exit without documents (`calendar-closed`) is in force too: no older version is.
      FilterExpression: 'districtId = :d AND outcome IN (:ready, :closed)',
      ExpressionAttributeValues: {
        ':d': districtId,
        ':ready': 'documents-ready',
        ':closed': 'calendar-closed',
      },
      ConsistentRead: true,
      ExclusiveStartKey,
    });
    for (const item of page.Items ?? []) {
      const outcome = item as DecisionOutcome;
      byDecision.set(outcome.decisionId, [...(byDecision.get(outcome.decisionId) ?? []), outcome]);
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  const found: { decisionId: string; version: number }[] = [];
  for (const [decisionId, outcomes] of byDecision) {
    const version = versionInForce(outcomes);
    const inForce = outcomes.find((o) => o.version === version);
    // A version in force without documents (an exit by a move) has nothing to re-render.
    if (version === undefined || !inForce || inForce.outcome !== 'documents-ready') continue;
    if (since !== undefined && inForce.processedAt < since) continue;
    found.push({ decisionId, version });
  }
  return found.sort((a, b) => a.decisionId.localeCompare(b.decisionId));
}
