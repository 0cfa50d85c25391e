/** The calendar sweep's progress in the `runs` table (one item per reminder handled). */
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { CalendarDate } from '../core/dates.ts';
import type { SweepRunItem, SweepRuns } from '../pipeline/calendar-ports.ts';

type Item = Record<string, unknown>;

/** Days the progress of a sweep run is kept (the runs table's TTL). */
const RUN_RETENTION_SECONDS = 90 * 24 * 3600;

/** The sweep's progress: jobId `sweep#<districtId>#<day>`, one item per reminder handled. */
export class DynamoSweepRuns implements SweepRuns {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(districtId: string, today: CalendarDate): Promise<SweepRunItem[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.db.query({
        TableName: this.tableName,
        KeyConditionExpression: 'jobId = :j',
        ExpressionAttributeValues: { ':j': `sweep#${districtId}#${today}` },
        ConsistentRead: true,
        ExclusiveStartKey,
      });
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.map((i) => ({
      reminderId: String(i.itemKey),
      report: i.report as SweepRunItem['report'],
    }));
  }

  async record(districtId: string, today: CalendarDate, item: SweepRunItem): Promise<void> {
    await this.db.put({
      TableName: this.tableName,
      Item: {
        jobId: `sweep#${districtId}#${today}`,
        itemKey: item.reminderId,
        report: item.report,
        expiresAt: Math.floor(this.clock().getTime() / 1000) + RUN_RETENTION_SECONDS,
      },
    });
  }
}
