/**
 * How a new decision version changes the compliance calendar of its student: which pending
 * entries it replaces, cancels or reinstates (the calendar's entries come from calendar.ts).
 * Pure: no clock, no AWS.
 */

import {
  type CalendarEntry,
  type CalendarEntryKind,
  type CalendarOptions,
  type CancelReason,
  calendarEntryKinds,
  deriveCalendarEntries,
  studentKey,
} from './calendar.ts';
import { cancelReasonFor, endOfCalendar } from './calendar-ends.ts';
import type { CalendarDate } from './dates.ts';
import type { Decision } from './decision.ts';

/** Identifies a decision version and where it stands in the student's history. */
export interface DecisionRef {
  decisionId: string;
  version: number;
  meetingDate: CalendarDate;
}

/** The reference of a decision. */
export function decisionRef(decision: Decision): DecisionRef {
  return {
    decisionId: decision.decisionId,
    version: decision.version,
    meetingDate: decision.meeting.date,
  };
}

/**
 * Orders two decision versions of one student (negative: `a` is older). Versions of the
 * same decision are ordered by version (a correction may move the meeting date); other
 * decisions by meeting date, then version, then decisionId (so the order is total).
 */
export function compareDecisions(a: DecisionRef, b: DecisionRef): number {
  if (a.decisionId === b.decisionId) return a.version - b.version;
  if (a.meetingDate !== b.meetingDate) return a.meetingDate < b.meetingDate ? -1 : 1;
  if (a.version !== b.version) return a.version - b.version;
  return a.decisionId < b.decisionId ? -1 : a.decisionId > b.decisionId ? 1 : 0;
}

/** What `supersede` did with the new decision. */
export type SupersedeOutcome =
  /** The decision's entries were added; older pending ones it replaces were cancelled. */
  | 'applied'
  /** Entries of this decision version are already recorded: a retry, nothing changes. */
  | 'already-applied'
  /** A newer decision already schedules this student: the late, older one changes nothing. */
  | 'ignored-older'
  /** A draft schedules nothing. */
  | 'ignored-draft'
  /** A withdrawn version: its entries (and those of its earlier versions) were cancelled. */
  | 'withdrawn';

/** The changes to store after a new decision version arrives. */
export interface SupersedeResult {
  outcome: SupersedeOutcome;
  /** New pending entries (plan their reminders with `planReminders`). */
  add: CalendarEntry[];
  /** Existing entries now cancelled (`status: 'cancelled'`, `cancelledBy` set): cancel their pending reminders. */
  cancel: CalendarEntry[];
  /**
   * Entries a withdrawn decision had superseded, pending again (the IEP before it is the
   * one in effect): re-plan their reminders from their own decision version.
   */
  reinstate: CalendarEntry[];
  /** All of the student's entries after the change (existing ones updated, new ones added). */
  entries: CalendarEntry[];
}

const refOf = (e: CalendarEntry): DecisionRef => ({
  decisionId: e.decisionId,
  version: e.version,
  meetingDate: e.meetingDate,
});

const cancelled = (e: CalendarEntry, by: DecisionRef, reason: CancelReason): CalendarEntry => ({
  ...e,
  status: 'cancelled',
  cancelledBy: { decisionId: by.decisionId, version: by.version, reason },
});

/**
 * What a withdrawn version changes: its decision's pending entries up to that version are
 * cancelled, and, kind by kind, the newest entry it had superseded comes back when nothing else
 * of that kind stays pending.
 */
function withdrawal(
  mine: readonly CalendarEntry[],
  pending: readonly CalendarEntry[],
  ref: DecisionRef,
): { cancel: CalendarEntry[]; reinstate: CalendarEntry[] } {
  const ofWithdrawn = (d: { decisionId: string; version: number }) =>
    d.decisionId === ref.decisionId && d.version <= ref.version;
  const cancel = pending.filter(ofWithdrawn).map((e) => cancelled(e, ref, 'withdrawn'));
  const stillPending = pending.filter((e) => !ofWithdrawn(e));
  const reinstate: CalendarEntry[] = [];
  for (const kind of calendarEntryKinds) {
    if (stillPending.some((e) => e.entry === kind)) continue;
    const candidates = mine
      .filter(
        (e) =>
          e.entry === kind &&
          e.decisionId !== ref.decisionId &&
          e.cancelledBy?.reason === 'superseded' &&
          ofWithdrawn(e.cancelledBy),
      )
      .sort((a, b) => compareDecisions(refOf(b), refOf(a)));
    const newest = candidates[0];
    if (newest) {
      const { cancelledBy: _, ...rest } = newest;
      reinstate.push({ ...rest, status: 'pending' });
    }
  }
  return { cancel, reinstate };
}

/**
 * Applies a new decision version to the entries already recorded for its student.
 * Entries of other students in `existing` are left alone (and not returned).
 *
 * - A finalized decision newer than every pending entry's decision (`compareDecisions`)
 *   adds its entries. An IEP from an initial, annual, reevaluation or transfer meeting
 *   restarts everything: it cancels all pending entries. An amendment keeps the annual
 *   review clock and changes only what it recomputes: each kind it derives replaces the
 *   pending entry of that kind (the annual review keeps its due date, so its reminders
 *   carry on under the same `dedupeKey`s and nothing is sent twice; the recipients are
 *   those of the amendment); kinds it does not derive (a 16th birthday or majority date
 *   that fell before the amendment) stay with the amended IEP.
 * - A finalized decision older than a pending one (it arrived late) is ignored for
 *   scheduling: the newer IEP is the one in effect, and letting the older one back in
 *   would bring back a review clock that no longer runs.
 * - A withdrawn version cancels the pending entries of its decision up to that version,
 *   and reinstates, kind by kind, the entries it had superseded when nothing else is
 *   pending for that kind (the previous IEP is back in effect, and its review may now be
 *   overdue: it must show).
 *
 * At most one entry of each kind is pending for a student afterwards.
 */
export function supersede(
  existing: readonly CalendarEntry[],
  newDecision: Decision,
  options: CalendarOptions = {},
): SupersedeResult {
  const key = studentKey(newDecision.districtId, newDecision.student.studentId, options);
  const mine = existing.filter((e) => e.studentKey === key);
  const ref = decisionRef(newDecision);
  const unchanged = (outcome: SupersedeOutcome): SupersedeResult => ({
    outcome,
    add: [],
    cancel: [],
    reinstate: [],
    entries: [...mine],
  });
  const result = (
    outcome: SupersedeOutcome,
    add: CalendarEntry[],
    cancel: CalendarEntry[],
    reinstate: CalendarEntry[],
  ): SupersedeResult => {
    const changed = new Map([...cancel, ...reinstate].map((e) => [e.entryId, e]));
    return {
      outcome,
      add,
      cancel,
      reinstate,
      entries: [...mine.map((e) => changed.get(e.entryId) ?? e), ...add],
    };
  };
  const pending = mine.filter((e) => e.status === 'pending');

  if (newDecision.status === 'draft') return unchanged('ignored-draft');

  if (newDecision.status === 'withdrawn') {
    const { cancel, reinstate } = withdrawal(mine, pending, ref);
    return result('withdrawn', [], cancel, reinstate);
  }

  if (mine.some((e) => e.decisionId === ref.decisionId && e.version === ref.version)) {
    return unchanged('already-applied');
  }
  if (pending.some((e) => compareDecisions(refOf(e), ref) > 0)) return unchanged('ignored-older');

  const add = deriveCalendarEntries(newDecision, options);
  // Refused or revoked consent and an exit end everything, even on an amendment.
  const replaced =
    newDecision.meeting.type === 'amendment' && !endOfCalendar(newDecision)
      ? new Set(add.map((e) => e.entry))
      : new Set<CalendarEntryKind>(calendarEntryKinds);
  const cancel = pending
    .filter((e) => replaced.has(e.entry))
    .map((e) => cancelled(e, ref, cancelReasonFor(newDecision, e)));
  return result('applied', add, cancel, []);
}
