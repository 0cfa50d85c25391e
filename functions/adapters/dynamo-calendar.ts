/**
 * The calendar table (PK `entryId`) holds four kinds of item, told apart by `itemType`:
 *
 * - `entry`: a CalendarEntry under its own entryId. Has `studentKey` (byStudent index),
 *   never `sendOn`.
 * - `reminder`: a Reminder under its reminderId (its entry's id is stored as `ofEntry`, the
 *   table's key being called entryId). Has `studentKey` (byStudent) and, while `pending`
 *   only, `sendOn`: the bySendDate index is sparse and holds pending reminders alone, so a
 *   day's query returns exactly what is left to do. `sendDate` keeps the date for reports.
 * - `claim`: the send claim of a notice, under its dedupeKey (`ntc_…`), written with
 *   attribute_not_exists: two sweeps cannot both take it. In neither index.
 * - `marker`: `marker#<districtId>`, the oldest send date that may hold a pending reminder
 *   of the district, so the sweep queries the days from there to today and no further back.
 *
 * `entryKey` (the sort key of both indexes) starts with `<districtId>#` then the date, so a
 * day's query is narrowed to one district and a student's items sort by date. Keys hold ids,
 * dates and the opaque studentKey only: never a student id.
 *
 * The sweep's progress in the `runs` table is dynamo-sweep-runs.ts (re-exported here).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import type { CalendarEntry } from '../core/calendar.ts';
import type { CalendarDate } from '../core/dates.ts';
import type { Reminder } from '../core/reminders.ts';
import type {
  CalendarStore,
  SendClaim,
  StoredReminder,
  StoredReminderState,
} from '../pipeline/calendar-ports.ts';

export { DynamoSweepRuns } from './dynamo-sweep-runs.ts';

type Item = Record<string, unknown>;

const markerId = (districtId: string) => `marker#${districtId}`;

/** The sort key of an entry in both indexes. */
export function entryKeyOfEntry(e: CalendarEntry): string {
  return `${e.districtId}#${e.dueDate}#entry#${e.entryId}`;
}

/** The sort key of a reminder in both indexes. */
export function entryKeyOfReminder(r: Reminder): string {
  return `${r.districtId}#${r.sendOn}#reminder#${r.reminderId}`;
}

const isConditionFailure = (error: unknown) => error instanceof ConditionalCheckFailedException;

function entryOf(item: Item): CalendarEntry {
  const { itemType: _t, entryKey: _k, ...entry } = item;
  return entry as unknown as CalendarEntry;
}

function reminderOf(item: Item): StoredReminder {
  const {
    itemType: _t,
    entryKey: _k,
    entryId,
    ofEntry,
    sendOn: _pending,
    sendDate,
    ...rest
  } = item;
  return {
    ...(rest as unknown as Omit<StoredReminder, 'reminderId' | 'entryId' | 'sendOn'>),
    reminderId: String(entryId),
    entryId: String(ofEntry),
    sendOn: String(sendDate),
  };
}

function claimOf(item: Item): SendClaim {
  const { itemType: _t, entryId, ...rest } = item;
  return { ...(rest as unknown as Omit<SendClaim, 'dedupeKey'>), dedupeKey: String(entryId) };
}

export class DynamoCalendarStore implements CalendarStore {
  constructor(
    private readonly db: DynamoDBDocument,
    private readonly tableName: string,
  ) {}

  async forStudent(
    studentKey: string,
  ): Promise<{ entries: CalendarEntry[]; reminders: StoredReminder[] }> {
    const items = await this.queryAll({
      IndexName: 'byStudent',
      KeyConditionExpression: 'studentKey = :k',
      ExpressionAttributeValues: { ':k': studentKey },
    });
    return {
      entries: items.filter((i) => i.itemType === 'entry').map(entryOf),
      reminders: items.filter((i) => i.itemType === 'reminder').map(reminderOf),
    };
  }

  async getEntry(entryId: string): Promise<CalendarEntry | undefined> {
    const item = await this.get(entryId);
    return item?.itemType === 'entry' ? entryOf(item) : undefined;
  }

  async putEntry(entry: CalendarEntry): Promise<void> {
    await this.db.put({
      TableName: this.tableName,
      Item: { ...entry, itemType: 'entry', entryKey: entryKeyOfEntry(entry) },
    });
  }

  async putReminder(reminder: Reminder, at: string): Promise<boolean> {
    const { reminderId, entryId, sendOn, ...rest } = reminder;
    try {
      await this.db.put({
        TableName: this.tableName,
        Item: {
          ...rest,
          entryId: reminderId,
          ofEntry: entryId,
          itemType: 'reminder',
          entryKey: entryKeyOfReminder(reminder),
          sendDate: sendOn,
          sendOn,
          state: 'pending',
          updatedAt: at,
        },
        ConditionExpression: 'attribute_not_exists(entryId)',
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async settleReminder(
    reminder: Reminder,
    from: StoredReminderState,
    to: StoredReminderState,
    at: string,
    extra: { sentAs?: string } = {},
  ): Promise<boolean> {
    const values: Item = { ':from': from, ':to': to, ':at': at };
    const sets = ['#state = :to', 'updatedAt = :at'];
    if (extra.sentAs) {
      sets.push('sentAs = :sentAs');
      values[':sentAs'] = extra.sentAs;
    }
    // Only a pending reminder is in the by-send-date index.
    let update: string;
    if (to === 'pending') {
      sets.push('sendOn = :sendOn');
      values[':sendOn'] = reminder.sendOn;
      update = `SET ${sets.join(', ')}`;
    } else {
      update = `SET ${sets.join(', ')} REMOVE sendOn`;
    }
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { entryId: reminder.reminderId },
        UpdateExpression: update,
        ConditionExpression: 'itemType = :reminder AND #state = :from',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ...values, ':reminder': 'reminder' },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getReminder(reminderId: string): Promise<StoredReminder | undefined> {
    const item = await this.get(reminderId);
    return item?.itemType === 'reminder' ? reminderOf(item) : undefined;
  }

  async pendingOn(districtId: string, sendOn: CalendarDate): Promise<StoredReminder[]> {
    const items = await this.queryAll({
      IndexName: 'bySendDate',
      KeyConditionExpression: 'sendOn = :d AND begins_with(entryKey, :district)',
      FilterExpression: 'itemType = :reminder AND #state = :pending',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':d': sendOn,
        ':district': `${districtId}#`,
        ':reminder': 'reminder',
        ':pending': 'pending',
      },
    });
    return items.map(reminderOf);
  }

  async oldestPending(districtId: string): Promise<CalendarDate | undefined> {
    const item = await this.get(markerId(districtId));
    return typeof item?.oldestPending === 'string' ? item.oldestPending : undefined;
  }

  async lowerOldestPending(districtId: string, sendOn: CalendarDate): Promise<void> {
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { entryId: markerId(districtId) },
        UpdateExpression: 'SET oldestPending = :d, itemType = :marker',
        ConditionExpression: 'attribute_not_exists(oldestPending) OR oldestPending > :d',
        ExpressionAttributeValues: { ':d': sendOn, ':marker': 'marker' },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // already as old or older
    }
  }

  async raiseOldestPending(
    districtId: string,
    expected: CalendarDate | undefined,
    next: CalendarDate,
  ): Promise<void> {
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { entryId: markerId(districtId) },
        UpdateExpression: 'SET oldestPending = :next, itemType = :marker',
        ConditionExpression:
          expected === undefined
            ? 'attribute_not_exists(oldestPending)'
            : 'oldestPending = :expected',
        ExpressionAttributeValues: {
          ':next': next,
          ':marker': 'marker',
          ...(expected === undefined ? {} : { ':expected': expected }),
        },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // lowered meanwhile: keep the lower date
    }
  }

  async claim(
    claim: SendClaim,
  ): Promise<{ claimed: true } | { claimed: false; existing: SendClaim }> {
    const { dedupeKey, ...rest } = claim;
    try {
      await this.db.put({
        TableName: this.tableName,
        Item: { ...rest, entryId: dedupeKey, itemType: 'claim' },
        ConditionExpression: 'attribute_not_exists(entryId)',
      });
      return { claimed: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const existing = await this.get(dedupeKey);
    if (!existing) throw new Error(`claim ${dedupeKey} vanished after a conditional write failed`);
    return { claimed: false, existing: claimOf(existing) };
  }

  async takeOver(dedupeKey: string, claimedAt: string, at: string): Promise<boolean> {
    try {
      await this.db.update({
        TableName: this.tableName,
        Key: { entryId: dedupeKey },
        UpdateExpression: 'SET claimedAt = :at',
        ConditionExpression: '#state = :sending AND claimedAt = :was',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':at': at, ':sending': 'sending', ':was': claimedAt },
      });
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async release(dedupeKey: string, claimedAt: string): Promise<void> {
    try {
      await this.db.delete({
        TableName: this.tableName,
        Key: { entryId: dedupeKey },
        ConditionExpression: 'itemType = :claim AND #state = :sending AND claimedAt = :at',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':claim': 'claim', ':sending': 'sending', ':at': claimedAt },
      });
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // taken over or sent meanwhile: not ours
    }
  }

  async markClaimSent(dedupeKey: string, at: string): Promise<void> {
    await this.db.update({
      TableName: this.tableName,
      Key: { entryId: dedupeKey },
      UpdateExpression: 'SET #state = :sent, sentAt = :at',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':sent': 'sent', ':at': at },
    });
  }

  async entriesOfDistrict(districtId: string): Promise<CalendarEntry[]> {
    // A daily scan of one table: entries are few (≤ 4 per student and IEP) and the report
    // needs every state (a newer decision's entries decide what is overdue).
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.db.scan({
        TableName: this.tableName,
        FilterExpression: 'itemType = :entry AND districtId = :d',
        ExpressionAttributeValues: { ':entry': 'entry', ':d': districtId },
        ExclusiveStartKey,
      });
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items.map(entryOf);
  }

  private async get(entryId: string): Promise<Item | undefined> {
    const { Item } = await this.db.get({
      TableName: this.tableName,
      Key: { entryId },
      ConsistentRead: true,
    });
    return Item;
  }

  private async queryAll(input: {
    IndexName: string;
    KeyConditionExpression: string;
    FilterExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues: Item;
  }): Promise<Item[]> {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.db.query({ TableName: this.tableName, ...input, ExclusiveStartKey });
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}
