/**
 * Regeneration jobs started in AWS, recorded in the `runs` table beside their ledgers: one item
 * per job under the partition {@link JOBS_PARTITION} (never a job id, so a job's ledger query
 * never returns it), saying what the job covers and when its messages were all sent. A job
 * whose messages were all sent is not sent again by a second run of the same command.
 */
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';

/** The runs-table partition holding one item per regeneration job (`itemKey` = job id). */
export const JOBS_PARTITION = '#regeneration-jobs';

/** Job items live as long as ledger items (functions/adapters/dynamo-runs.ts). */
const JOB_TTL_SECONDS = 90 * 24 * 3600;

/** A regeneration job as its starter recorded it. */
export interface RegenerationJob {
  jobId: string;
  districtId: string;
  /** The `--since` date, when given. */
  since?: string;
  /** Decision versions the job covers. */
  total: number;
  startedAt: string;
  /** Set once a message was sent for every unfinished item. */
  queuedAt?: string;
  /** Messages sent by the last run that sent any. */
  queued?: number;
}

/** The jobs partition of the runs table. */
export class DynamoRegenerationJobs {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async get(jobId: string): Promise<RegenerationJob | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { jobId: JOBS_PARTITION, itemKey: jobId },
      ConsistentRead: true,
    });
    if (!Item) return undefined;
    const { jobId: _partition, itemKey, expiresAt: _expiresAt, ...rest } = Item;
    return { ...rest, jobId: itemKey } as RegenerationJob;
  }

  /** Records (or records again) that a run is sending the job's messages; clears queuedAt. */
  async starting(job: Omit<RegenerationJob, 'queuedAt' | 'queued'>): Promise<void> {
    await this.db.put({
      TableName: this.tableName,
      Item: {
        ...job,
        jobId: JOBS_PARTITION,
        itemKey: job.jobId,
        expiresAt: Math.floor(Date.parse(job.startedAt) / 1000) + JOB_TTL_SECONDS,
      },
    });
  }

  /** Records that every unfinished item of the job has its message. */
  async queued(jobId: string, at: string, count: number): Promise<void> {
    await this.db.update({
      TableName: this.tableName,
      Key: { jobId: JOBS_PARTITION, itemKey: jobId },
      UpdateExpression: 'SET queuedAt = :at, queued = :count',
      ConditionExpression: 'attribute_exists(itemKey)',
      ExpressionAttributeValues: { ':at': at, ':count': count },
    });
  }
}
