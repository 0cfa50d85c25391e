/**
 * The overdue side of the compliance calendar: which deadlines have passed with no newer IEP
 * taking them over. Pure: `today` is passed in.
 */
import {
  type CalendarEntry,
  type CalendarEntryKind,
  calendarEntryKinds,
  deadlineEntryKinds,
} from './calendar.ts';
import { compareDecisions, type DecisionRef } from './calendar-supersede.ts';
import { type CalendarDate, isCalendarDate } from './dates.ts';
import { servedOn } from './exit.ts';

const refOf = (e: CalendarEntry): DecisionRef => ({
  decisionId: e.decisionId,
  version: e.version,
  meetingDate: e.meetingDate,
});

/** One line of the overdue report. */
export interface OverdueItem {
  decisionId: string;
  entry: CalendarEntryKind;
  dueDate: CalendarDate;
}

function assertToday(today: CalendarDate): void {
  if (!isCalendarDate(today))
    throw new RangeError(`today is not a calendar date (YYYY-MM-DD): ${today}`);
}

/**
 * True when a deadline (annual review, reevaluation) has passed on `today` (the day after
 * the due date is the first overdue day) and no newer finalized decision for the student
 * has taken it over. Cancelled entries, transition and majority are never overdue, nor is
 * anything of a student after the exit date (300.102(a)(3): the district no longer serves them).
 */
export function isOverdue(
  entry: CalendarEntry,
  today: CalendarDate,
  newerDecisionExists: boolean,
): boolean {
  assertToday(today);
  return (
    entry.status === 'pending' &&
    deadlineEntryKinds.includes(entry.entry) &&
    today > entry.dueDate &&
    servedOn(entry.exit, today) &&
    !newerDecisionExists
  );
}

/**
 * The overdue report over any set of entries (several students): each overdue entry,
 * oldest due date first. "A newer decision exists" is read from the entries themselves:
 * another entry of the same student, not cancelled by withdrawal, from a newer decision.
 */
export function overdueReport(
  entries: readonly CalendarEntry[],
  today: CalendarDate,
): OverdueItem[] {
  assertToday(today);
  const live = entries.filter((e) => e.cancelledBy?.reason !== 'withdrawn');
  return entries
    .filter((e) =>
      isOverdue(
        e,
        today,
        live.some((o) => o.studentKey === e.studentKey && compareDecisions(refOf(o), refOf(e)) > 0),
      ),
    )
    .map((e) => ({ decisionId: e.decisionId, entry: e.entry, dueDate: e.dueDate }))
    .sort(
      (a, b) =>
        a.dueDate.localeCompare(b.dueDate) ||
        a.decisionId.localeCompare(b.decisionId) ||
        calendarEntryKinds.indexOf(a.entry) - calendarEntryKinds.indexOf(b.entry),
    );
}
