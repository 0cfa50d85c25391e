/**
 * Late meeting notices in the overdue report: a notice of an IEP team meeting issued fewer days
 * before the meeting than the district's minimum (34 CFR 300.322(a)(1): "early enough to ensure
 * that they will have an opportunity to attend"; the profile's `meetings.minimumNoticeDays`,
 * default 10). The notice went out (a short notice is better than none) and its outcome carries
 * the flag; the report lists it until the meeting is held, so the district confirms the parents
 * can attend (300.322(a)(2): a mutually agreed time) or reschedules. Pure: `today` is passed in.
 */
import { type CalendarDate, isCalendarDate } from './dates.ts';

/** What a meeting notice's outcome records of its timing (written by the meeting-notices use case). */
export interface MeetingNoticeFacts {
  meetingId: string;
  revision: number;
  /** The meeting's date in its time zone. */
  meetingDate: CalendarDate;
  /** The day the notice was issued, in the district's time zone. */
  issuedOn: CalendarDate;
  /** Days between the notice and the meeting. */
  leadDays: number;
  /** The district's minimum when the notice was issued. */
  minimumDays: number;
  /** A cancellation of the meeting (no meeting is held: nothing to attend). */
  cancelled?: boolean;
}

/** One late notice of the overdue report. */
export interface LateNotice {
  meetingId: string;
  revision: number;
  meetingDate: CalendarDate;
  issuedOn: CalendarDate;
  leadDays: number;
  minimumDays: number;
  cfr: '300.322(a)(1)';
}

function assertToday(today: CalendarDate): void {
  if (!isCalendarDate(today))
    throw new RangeError(`today is not a calendar date (YYYY-MM-DD): ${today}`);
}

/**
 * The late notices to list on `today`: per meeting, only its newest revision counts (a
 * reschedule's notice replaces the earlier one and is judged on its own; a cancellation
 * removes the meeting), listed when it was issued late and the meeting is today or later.
 * Oldest meeting first.
 */
export function lateNoticeReport(
  notices: readonly MeetingNoticeFacts[],
  today: CalendarDate,
): LateNotice[] {
  assertToday(today);
  const newest = new Map<string, MeetingNoticeFacts>();
  for (const n of notices) {
    const seen = newest.get(n.meetingId);
    if (!seen || n.revision > seen.revision) newest.set(n.meetingId, n);
  }
  return [...newest.values()]
    .filter((n) => !n.cancelled && n.leadDays < n.minimumDays && n.meetingDate >= today)
    .map((n) => ({
      meetingId: n.meetingId,
      revision: n.revision,
      meetingDate: n.meetingDate,
      issuedOn: n.issuedOn,
      leadDays: n.leadDays,
      minimumDays: n.minimumDays,
      cfr: '300.322(a)(1)' as const,
    }))
    .sort(
      (a, b) =>
        a.meetingDate.localeCompare(b.meetingDate) || a.meetingId.localeCompare(b.meetingId),
    );
}
