/**
 * How consent and exit end the compliance calendar (read by `calendar.ts`): no entry while
 * consent is pending, refused or revoked (300.300(b)), and nothing after a student's exit
 * (300.102(a)(3), 300.305(e)). Pure.
 */
import type { CalendarEntry, CancelReason } from './calendar.ts';
import { consentState } from './consent.ts';
import type { Decision } from './decision.ts';

/**
 * Why a decision ends the student's calendar, if it does: consent refused (300.300(b)(3)) or
 * revoked (300.300(b)(4)), or the student's exit. Such a decision cancels every pending entry
 * of the student, whatever its meeting type (an amendment too).
 */
export function endOfCalendar(
  decision: Decision,
): 'consent-refused' | 'consent-revoked' | 'exited' | undefined {
  const consent = consentState(decision);
  if (consent.kind === 'refused') return 'consent-refused';
  if (consent.kind === 'revoked') return 'consent-revoked';
  return decision.exit ? 'exited' : undefined;
}

/**
 * The reason an existing pending entry is cancelled by `decision`: its end of the calendar
 * (for an exit, only entries due after the exit date; earlier ones are replaced by the
 * exiting decision's own), `superseded` otherwise.
 */
export function cancelReasonFor(decision: Decision, entry: CalendarEntry): CancelReason {
  const end = endOfCalendar(decision);
  if (!end) return 'superseded';
  if (end === 'exited' && decision.exit && entry.dueDate <= decision.exit.date) return 'superseded';
  return end;
}

/**
 * A exiting decision's own entries: each carries the exit (the sweep and the overdue report
 * read it), and those due after the exit date are recorded cancelled (reason `exited`).
 */
export function withExit(decision: Decision, entries: CalendarEntry[]): CalendarEntry[] {
  const exit = decision.exit;
  if (!exit) return entries;
  const ref = { decisionId: decision.decisionId, version: decision.version };
  return entries.map((e) => {
    const marked = { ...e, exit: { reason: exit.reason, date: exit.date } };
    return e.status === 'pending' && e.dueDate > exit.date
      ? {
          ...marked,
          status: 'cancelled' as const,
          cancelledBy: { ...ref, reason: 'exited' as const },
        }
      : marked;
  });
}
