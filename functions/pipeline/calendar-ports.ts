/**
 * The compliance calendar's interfaces: where entries, reminders and send claims are stored,
 * how a case manager is told, and what the sweep reports. Adapters implement the store against
 * DynamoDB (`adapters/dynamo-calendar.ts`); the staff notifier sends email through SES.
 */
import type { CalendarEntry, CalendarEntryKind } from '../core/calendar.ts';
import type { CalendarDate } from '../core/dates.ts';
import type { Reminder, ReminderKind } from '../core/reminders.ts';

/** Where a stored reminder stands (`already-sent` is only ever reported, never stored). */
export type StoredReminderState = 'pending' | 'sent' | 'skipped-stale' | 'cancelled';

/** A reminder as stored: the planned reminder and where it stands. */
export interface StoredReminder extends Reminder {
  state: StoredReminderState;
  /** ISO instant of the last change of state. */
  updatedAt?: string;
  /** Set when another reminder with the same `dedupeKey` was sent instead (a re-planned notice). */
  sentAs?: string;
}

/**
 * The claim on a notice (`dedupeKey`) a sweep takes before sending it: `sending` until the
 * send is confirmed, then `sent`. At most one claim per notice, however many reminders
 * (decision versions) planned it.
 */
export interface SendClaim {
  dedupeKey: string;
  reminderId: string;
  state: 'sending' | 'sent';
  /** ISO instant the claim was taken (or taken over). */
  claimedAt: string;
  sentAt?: string;
}

/** The calendar table. */
export interface CalendarStore {
  /** Every entry and reminder recorded for a student (any state). */
  forStudent(
    studentKey: string,
  ): Promise<{ entries: CalendarEntry[]; reminders: StoredReminder[] }>;
  /** One entry (consistent read). */
  getEntry(entryId: string): Promise<CalendarEntry | undefined>;
  /** Writes an entry, replacing what is stored under its id (adds, cancellations, reinstatements). */
  putEntry(entry: CalendarEntry): Promise<void>;
  /** Records a planned reminder `pending` unless it is already recorded; false when it was. */
  putReminder(reminder: Reminder, at: string): Promise<boolean>;
  /**
   * Moves a reminder from `from` to `to` (leaving `pending` takes it out of the by-send-date
   * index; going back to `pending` puts it in again). False when it was not in `from`.
   */
  settleReminder(
    reminder: Reminder,
    from: StoredReminderState,
    to: StoredReminderState,
    at: string,
    extra?: { sentAs?: string },
  ): Promise<boolean>;
  /** One reminder (consistent read). */
  getReminder(reminderId: string): Promise<StoredReminder | undefined>;
  /** The district's pending reminders to be sent on `sendOn` (the by-send-date index). */
  pendingOn(districtId: string, sendOn: CalendarDate): Promise<StoredReminder[]>;
  /** The oldest send date that may still hold a pending reminder of the district, if any. */
  oldestPending(districtId: string): Promise<CalendarDate | undefined>;
  /** Lowers the district's oldest-pending date to `sendOn` when it is later (or unset). */
  lowerOldestPending(districtId: string, sendOn: CalendarDate): Promise<void>;
  /**
   * Raises the oldest-pending date from `expected` to `next`, unless someone changed it
   * meanwhile (a newly planned reminder lowered it): then it is left as it is.
   */
  raiseOldestPending(
    districtId: string,
    expected: CalendarDate | undefined,
    next: CalendarDate,
  ): Promise<void>;
  /** Takes the claim on a notice; when someone holds it, returns theirs. */
  claim(claim: SendClaim): Promise<{ claimed: true } | { claimed: false; existing: SendClaim }>;
  /** Takes over a `sending` claim still held since `claimedAt`; false when it changed. */
  takeOver(dedupeKey: string, claimedAt: string, at: string): Promise<boolean>;
  /** Deletes a claim still `sending` since `claimedAt` (its send failed), so a retry claims afresh. */
  release(dedupeKey: string, claimedAt: string): Promise<void>;
  /** Marks a claim `sent`. */
  markClaimSent(dedupeKey: string, at: string): Promise<void>;
  /** Every entry of a district, any state (the overdue report reads them all). */
  entriesOfDistrict(districtId: string): Promise<CalendarEntry[]>;
}

/** What a run recorded about one reminder (the runs table, per district and day). */
export interface SweepRunItem {
  reminderId: string;
  report: ReminderReport;
}

/** Progress of the sweep runs of one district and day: a rerun reports what was done. */
export interface SweepRuns {
  list(districtId: string, today: CalendarDate): Promise<SweepRunItem[]>;
  record(districtId: string, today: CalendarDate, item: SweepRunItem): Promise<void>;
}

/** What a case manager is told about. */
export interface CaseManagerNotice {
  /** Deterministic per notice (the reminder's `dedupeKey`): travels as a tag for tracing. */
  noticeId: string;
  districtId: string;
  decisionId: string;
  version: number;
  entry: CalendarEntryKind;
  dueDate: CalendarDate;
  kind: ReminderKind;
  /** Days before the due date (negative: after it). */
  offsetDays: number;
  /** The case manager, from the decision. */
  to: { name: string; email: string };
  /** Annual review: the next IEP must state the coming transfer of rights (300.320(c)). */
  transferOfRightsInNextIep?: boolean;
}

/** Tells case managers about due and overdue deadlines (email through SES). */
export interface StaffNotifier {
  notifyCaseManager(notice: CaseManagerNotice): Promise<void>;
}

/** Reads a decision version as the district wrote it (plain values), or undefined. */
export interface DecisionSource {
  get(decisionId: string, version: number): Promise<unknown | undefined>;
}

/** One reminder in a run's summary (the runtime's `--json` prints exactly this shape). */
export interface ReminderReport {
  decisionId: string;
  entry: CalendarEntryKind;
  recipientId: string;
  dueDate: CalendarDate;
  sendOn: CalendarDate;
  state: 'sent' | 'already-sent' | 'skipped-stale' | 'cancelled';
}

/** The summary line of a reminder in a given state. */
export function reportOf(reminder: Reminder, state: ReminderReport['state']): ReminderReport {
  return {
    decisionId: reminder.decisionId,
    entry: reminder.entry,
    recipientId: reminder.recipientId,
    dueDate: reminder.dueDate,
    sendOn: reminder.sendOn,
    state,
  };
}
