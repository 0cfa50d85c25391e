/**
 * Reminders of the compliance calendar: who is told what, and on which day, before (and
 * once after) each entry's date; and which of the reminders not yet sent the sweep sends
 * today. Pure: `today` is a calendar date of the district's time zone, passed in.
 */
import { createHash } from 'node:crypto';
import {
  type CalendarEntry,
  type CalendarEntryKind,
  type CalendarOptions,
  calendarEntryKinds,
  deadlineEntryKinds,
  deriveCalendarEntries,
} from './calendar.ts';
import { addDays, type CalendarDate, isCalendarDate } from './dates.ts';
import type { Decision } from './decision.ts';
import { servedOn } from './exit.ts';
import { rightsTransferDate } from './milestones.ts';
import { stateLaw } from './state-law.ts';

/** Who a reminder is for. */
export type Audience = 'case-manager' | 'parent' | 'student';
/** A reminder before the date, or the one alert after a missed deadline. */
export type ReminderKind = 'reminder' | 'overdue';
/**
 * Where a reminder stands, as the sweep records and reports it: `pending` until the sweep
 * takes it; `sent`; `already-sent` (reported when a run finds it sent by an earlier one);
 * `skipped-stale` (an earlier offset passed over in catch-up, never sent late);
 * `cancelled` (its entry was superseded or withdrawn).
 */
export type ReminderState = 'pending' | 'sent' | 'already-sent' | 'skipped-stale' | 'cancelled';

/** Recipient id of the case manager (one per decision). */
export const CASE_MANAGER = 'case-manager';
/** Recipient id of the student (notices once rights have transferred, 300.520). */
export const STUDENT = 'student';

/** One message to one recipient on one day. */
export interface Reminder {
  /** Deterministic: hash of (decisionId, version, entry, recipientId, kind, offsetDays). `rem_` + 32 hex. */
  reminderId: string;
  /**
   * The notice as its recipient sees it: hash of (studentKey, entry, dueDate, recipientId,
   * kind, offsetDays), whichever decision version planned it. The sweep claims this key
   * before sending, so a reminder re-planned by a correction or an amendment with the
   * same due date is not sent twice. `ntc_` + 32 hex.
   */
  dedupeKey: string;
  entryId: string;
  decisionId: string;
  version: number;
  districtId: string;
  studentKey: string;
  entry: CalendarEntryKind;
  /** `case-manager`, a guardianId, or `student`. */
  recipientId: string;
  audience: Audience;
  kind: ReminderKind;
  /** Days before `dueDate` (an overdue alert is after it: negative). */
  offsetDays: number;
  /** The entry's date (due date, 16th birthday, majority date). */
  dueDate: CalendarDate;
  /** The calendar day (district time zone) from which the sweep sends it. */
  sendOn: CalendarDate;
}

/** Days before the entry's date at which each audience is reminded. */
export interface AudienceOffsets {
  caseManager: readonly number[];
  parents: readonly number[];
  student: readonly number[];
}

/** Reminder offsets for every entry kind, and when the overdue alert goes out. */
export interface ReminderOffsets {
  'annual-review': AudienceOffsets;
  reevaluation: AudienceOffsets;
  transition: AudienceOffsets;
  majority: AudienceOffsets;
  /** Days after a missed deadline (annual review, reevaluation) for the one overdue alert to the case manager. */
  overdueAfterDays: number;
}

/**
 * The defaults, all in one place:
 * - annual review: case manager 60, 30, 14 and 7 days before; each guardian 30 days
 *   before (the review is due, the school will propose a meeting time);
 * - reevaluation: case manager 90, 60 and 30 days before;
 * - transition (16th birthday): case manager 90 days before (time to convene the team
 *   and amend the IEP if it lacks a plan) and 30 days before (last check);
 * - majority: the student and each guardian 90 days before rights transfer;
 * - overdue: the day after a missed annual review or reevaluation, the case manager.
 * Once rights have transferred, each notice to the guardians goes to the student too.
 */
export const DEFAULT_REMINDER_OFFSETS: ReminderOffsets = Object.freeze({
  'annual-review': Object.freeze({ caseManager: [60, 30, 14, 7], parents: [30], student: [] }),
  reevaluation: Object.freeze({ caseManager: [90, 60, 30], parents: [], student: [] }),
  transition: Object.freeze({ caseManager: [90, 30], parents: [], student: [] }),
  majority: Object.freeze({ caseManager: [], parents: [90], student: [90] }),
  overdueAfterDays: 1,
});

/** Overrides of some offsets (a district's configuration). */
export type ReminderOffsetOverrides = {
  [K in CalendarEntryKind]?: Partial<AudienceOffsets>;
} & { overdueAfterDays?: number };

/**
 * The defaults with `overrides` applied, checked: offsets are whole days ≥ 0, the overdue
 * alert ≥ 1 day after. Throws a RangeError naming the bad value.
 */
export function resolveReminderOffsets(
  overrides: ReminderOffsetOverrides = {},
  defaults: ReminderOffsets = DEFAULT_REMINDER_OFFSETS,
): ReminderOffsets {
  const resolved = {
    overdueAfterDays: overrides.overdueAfterDays ?? defaults.overdueAfterDays,
  } as ReminderOffsets;
  for (const kind of calendarEntryKinds) {
    resolved[kind] = { ...defaults[kind], ...overrides[kind] };
    for (const audience of ['caseManager', 'parents', 'student'] as const) {
      for (const days of resolved[kind][audience]) {
        if (!Number.isInteger(days) || days < 0)
          throw new RangeError(
            `reminder offset ${kind}.${audience} must be whole days ≥ 0: ${days}`,
          );
      }
    }
  }
  if (!Number.isInteger(resolved.overdueAfterDays) || resolved.overdueAfterDays < 1)
    throw new RangeError(`overdueAfterDays must be whole days ≥ 1: ${resolved.overdueAfterDays}`);
  return resolved;
}

const hash = (prefix: string, parts: readonly (string | number)[]): string =>
  `${prefix}${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32)}`;

/** One reminder of an entry, with its ids (`reminderId` per version, `dedupeKey` per notice). */
function reminderOf(
  entry: CalendarEntry,
  to: { recipientId: string; audience: Audience; kind: ReminderKind; offsetDays: number },
): Reminder {
  const { recipientId, audience, kind, offsetDays } = to;
  return {
    reminderId: hash('rem_', [
      entry.decisionId,
      entry.version,
      entry.entry,
      recipientId,
      kind,
      offsetDays,
    ]),
    dedupeKey: hash('ntc_', [
      entry.studentKey,
      entry.entry,
      entry.dueDate,
      recipientId,
      kind,
      offsetDays,
    ]),
    entryId: entry.entryId,
    decisionId: entry.decisionId,
    version: entry.version,
    districtId: entry.districtId,
    studentKey: entry.studentKey,
    entry: entry.entry,
    recipientId,
    audience,
    kind,
    offsetDays,
    dueDate: entry.dueDate,
    sendOn: addDays(entry.dueDate, -offsetDays),
  };
}

/**
 * The reminders of a decision's pending entries. `entries` must come from `decision`
 * (same decisionId and version: the guardians and the student's age are read from it);
 * cancelled entries get none. Sorted by send date. Reminders whose send date is already
 * past are planned too: `selectDueReminders` sends the latest of them and records the
 * others `skipped-stale`.
 */
export function planReminders(
  decision: Decision,
  entries: readonly CalendarEntry[],
  offsets: ReminderOffsets = DEFAULT_REMINDER_OFFSETS,
  state?: string,
): Reminder[] {
  const checked = resolveReminderOffsets({}, offsets);
  const rightsTransferOn = rightsTransferDate(decision, stateLaw(state));
  const planned = new Map<string, Reminder>();

  for (const entry of entries) {
    if (entry.decisionId !== decision.decisionId || entry.version !== decision.version)
      throw new RangeError(
        `entry ${entry.entryId} is not from decision ${decision.decisionId} v${decision.version}`,
      );
    if (entry.status !== 'pending') continue;

    const add = (
      recipientId: string,
      audience: Audience,
      kind: ReminderKind,
      offsetDays: number,
    ) => {
      const reminder = reminderOf(entry, { recipientId, audience, kind, offsetDays });
      // Nothing is sent after a student's exit (300.102(a)(3)): not even the overdue alert.
      if (!servedOn(entry.exit, reminder.sendOn)) return;
      planned.set(reminder.reminderId, reminder);
    };

    const o = checked[entry.entry];
    for (const days of o.caseManager) add(CASE_MANAGER, 'case-manager', 'reminder', days);
    for (const days of o.parents) {
      for (const g of decision.guardians) add(g.guardianId, 'parent', 'reminder', days);
      // 300.520: once rights have transferred, notices to the parents go to the student too.
      if (rightsTransferOn !== null && rightsTransferOn <= addDays(entry.dueDate, -days))
        add(STUDENT, 'student', 'reminder', days);
    }
    for (const days of o.student) add(STUDENT, 'student', 'reminder', days);
    if (deadlineEntryKinds.includes(entry.entry))
      add(CASE_MANAGER, 'case-manager', 'overdue', -checked.overdueAfterDays);
  }
  return [...planned.values()].sort(bySendDate);
}

const audienceOrder: readonly Audience[] = ['case-manager', 'parent', 'student'];

/** Send date, then entry kind, audience, recipient and kind: a readable, stable order. */
/** A decision's calendar: its entries and their reminders (what `iep-docs calendar` prints). */
export interface DecisionCalendar {
  entries: CalendarEntry[];
  reminders: Reminder[];
}

/** The entries of a decision and their reminders, in one call (no superseding: one decision alone). */
export function calendarFor(
  decision: Decision,
  options: CalendarOptions & { offsets?: ReminderOffsets } = {},
): DecisionCalendar {
  const entries = deriveCalendarEntries(decision, options);
  return { entries, reminders: planReminders(decision, entries, options.offsets, options.state) };
}

function bySendDate(a: Reminder, b: Reminder): number {
  return (
    a.sendOn.localeCompare(b.sendOn) ||
    calendarEntryKinds.indexOf(a.entry) - calendarEntryKinds.indexOf(b.entry) ||
    audienceOrder.indexOf(a.audience) - audienceOrder.indexOf(b.audience) ||
    a.recipientId.localeCompare(b.recipientId) ||
    a.kind.localeCompare(b.kind)
  );
}

/** What the sweep does today with the reminders not yet sent. */
export interface DueReminders {
  /** Send these: for each entry and recipient, the latest reminder due on or before today. */
  send: Reminder[];
  /** Record these `skipped-stale`: earlier offsets passed over, never sent late. */
  skipStale: Reminder[];
}

/**
 * Catch-up without noise. From reminders not yet sent (`pending`), those due on or
 * before `today`; for one entry and recipient only the latest is sent (an overdue alert
 * is later than every reminder before it), the earlier ones are `skipStale`. Reminders
 * not yet due are in neither list. A reminder listed twice counts once.
 */
export function selectDueReminders(
  pending: readonly Reminder[],
  today: CalendarDate,
): DueReminders {
  if (!isCalendarDate(today))
    throw new RangeError(`today is not a calendar date (YYYY-MM-DD): ${today}`);
  const unique = new Map(pending.map((r) => [r.reminderId, r]));
  const groups = new Map<string, Reminder[]>();
  for (const r of unique.values()) {
    if (r.sendOn > today) continue;
    const key = `${r.entryId}\u0000${r.recipientId}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const send: Reminder[] = [];
  const skipStale: Reminder[] = [];
  for (const group of groups.values()) {
    const [latest, ...earlier] = group.sort((a, b) => bySendDate(b, a));
    if (latest) send.push(latest);
    skipStale.push(...earlier);
  }
  return { send: send.sort(bySendDate), skipStale: skipStale.sort(bySendDate) };
}

/** The reminders of `reminders` that belong to cancelled entries: record them `cancelled`. */
export function remindersOfCancelledEntries(
  reminders: readonly Reminder[],
  cancelled: readonly CalendarEntry[],
): Reminder[] {
  const ids = new Set(cancelled.map((e) => e.entryId));
  return reminders.filter((r) => ids.has(r.entryId));
}
