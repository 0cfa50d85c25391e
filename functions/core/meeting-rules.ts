/**
 * What a notice of an IEP team meeting must say (34 CFR 300.322(b)) and whether it goes out
 * early enough (300.322(a)(1)). Problems stop the notice; flags let it go out and say what the
 * district must look at (a notice shorter than its own minimum is still better than none).
 */
import {
  birthdayAtAge,
  type CalendarDate,
  calendarDateIn,
  dayBeforeAnniversary,
  daysBetween,
} from './dates.ts';
import type { MeetingItem } from './meeting.ts';
import type { Problem } from './problems.ts';
import { stateLaw } from './state-law.ts';

/** The default of a district profile's `meetings.minimumNoticeDays`. */
export const DEFAULT_MINIMUM_NOTICE_DAYS = 10;

/** What the rules are given besides the item (all pure values: no clock). */
export interface MeetingRuleContext {
  /** The day the notice is issued, in the district's time zone. */
  issuedOn: CalendarDate;
  /** The district profile's minimum days between notice and meeting. */
  minimumNoticeDays: number;
  /** The district profile's state (its transition age, `state-law.ts`). */
  state?: string;
  /** The revision this one replaces, when it could be read. */
  previous?: Pick<MeetingItem, 'revision' | 'scheduledFor' | 'timeZone'>;
}

/** The verdict on a meeting item. */
export interface MeetingCheck {
  problems: Problem[];
  flags: Problem[];
  /** The meeting's date in its time zone. */
  meetingDate: CalendarDate;
  /** The notice must speak of transition (300.322(b)(2)). */
  transition: boolean;
  /** Set on a reschedule: the notice replaces that revision's. */
  replaces?: { revision: number; scheduledFor?: string; timeZone?: string };
  /** The meeting is cancelled: the notice is a notice of cancellation. */
  cancelled: boolean;
}

/**
 * Whether the notice must carry the transition content of 300.322(b)(2): the meeting's purpose
 * is transition, or the IEP it develops (a year from the meeting) will be in effect when the
 * student reaches the state's transition age (16, or younger where the state says so).
 */
export function transitionApplies(
  meeting: MeetingItem,
  meetingDate: CalendarDate,
  state?: string,
): boolean {
  if (meeting.purpose === 'transition') return true;
  const law = stateLaw(state);
  return (
    birthdayAtAge(meeting.student.dateOfBirth, law.transitionAge) <=
    dayBeforeAnniversary(meetingDate, 1)
  );
}

/**
 * Every rule of 300.322 a meeting notice meets or fails, with the edge each one names.
 * Long because: one check per paragraph of 300.322, in the paragraph's order, each with its message
 * and citation; read top to bottom it is the rule.
 */
export function checkMeeting(meeting: MeetingItem, ctx: MeetingRuleContext): MeetingCheck {
  if (meeting.status === 'cancelled') return checkCancellation(meeting, ctx);
  const problems: Problem[] = [];
  const flags: Problem[] = [];
  const meetingDate = calendarDateIn(new Date(meeting.scheduledFor), meeting.timeZone);
  const rule = (path: string, message: string, cfr: string, name: string): Problem => ({
    path,
    message,
    cfr,
    rule: name,
  });

  // (b)(1)(i): purpose, time, location and who will be in attendance.
  if (!meeting.location && !meeting.call)
    problems.push(
      rule(
        'location',
        'the notice must say where the meeting is held (a location, or the call details)',
        '300.322(b)(1)(i)',
        'meeting-location',
      ),
    );
  if (meeting.invitees.length === 0)
    problems.push(
      rule(
        'invitees',
        'the notice must say who will be in attendance (at least one invitee by name and role)',
        '300.322(b)(1)(i)',
        'meeting-attendance',
      ),
    );
  if (meeting.purpose === 'other' && !meeting.purposeDetails?.trim())
    problems.push(
      rule(
        'purposeDetails',
        'a purpose of "other" must be described in words',
        '300.322(b)(1)(i)',
        'meeting-purpose',
      ),
    );

  // (a)(1): early enough to ensure the parents have an opportunity to attend.
  const lead = daysBetween(ctx.issuedOn, meetingDate);
  if (lead < 0)
    problems.push(
      rule(
        'scheduledFor',
        `the meeting (${meetingDate}) is before the notice's date (${ctx.issuedOn}): the parents could not attend`,
        '300.322(a)(1)',
        'meeting-notice-early-enough',
      ),
    );
  else if (lead < ctx.minimumNoticeDays)
    flags.push(
      rule(
        'scheduledFor',
        `notice issued ${lead} day(s) before the meeting; the district's minimum is ${ctx.minimumNoticeDays}`,
        '300.322(a)(1)',
        'meeting-notice-short',
      ),
    );

  // (b)(2): transition: the student is invited, and the agencies invited are named.
  const transition = transitionApplies(meeting, meetingDate, ctx.state);
  if (transition && !meeting.invitees.some((i) => i.role === 'student'))
    problems.push(
      rule(
        'invitees',
        'the student must be invited: the meeting considers postsecondary goals and transition services',
        '300.322(b)(2)(i)(B)',
        'meeting-student-invited',
      ),
    );

  const check: MeetingCheck = { problems, flags, meetingDate, transition, cancelled: false };
  withReplaces(check, meeting, ctx);
  return check;
}

/**
 * A cancellation: no rule of 300.322 governs it (the meeting it noticed will not be held), but
 * the families were told of the meeting in writing and are told of its end the same way. What
 * it must be: the cancellation of a meeting still to come (one already held or past cannot be
 * cancelled: the district records what happened instead).
 */
function checkCancellation(meeting: MeetingItem, ctx: MeetingRuleContext): MeetingCheck {
  const meetingDate = calendarDateIn(new Date(meeting.scheduledFor), meeting.timeZone);
  const problems: Problem[] = [];
  if (meeting.revision === 1)
    problems.push({
      path: 'revision',
      message:
        'a cancellation is the next revision of a meeting already noticed (revision 1 noticed nothing to cancel)',
      rule: 'meeting-cancellation-revision',
    });
  if (meetingDate < ctx.issuedOn)
    problems.push({
      path: 'status',
      message: `the meeting of ${meetingDate} is past on ${ctx.issuedOn}: there is nothing to cancel`,
      rule: 'meeting-cancellation-past',
    });
  const check: MeetingCheck = {
    problems,
    flags: [],
    meetingDate,
    transition: false,
    cancelled: true,
  };
  withReplaces(check, meeting, ctx);
  return check;
}

/** Sets what a revision after the first replaces (and flags an earlier revision not found). */
function withReplaces(check: MeetingCheck, meeting: MeetingItem, ctx: MeetingRuleContext): void {
  const { flags } = check;
  const rule = (path: string, message: string, cfr: string, name: string): Problem => ({
    path,
    message,
    cfr,
    rule: name,
  });
  if (meeting.revision > 1) {
    check.replaces = ctx.previous
      ? {
          revision: ctx.previous.revision,
          scheduledFor: ctx.previous.scheduledFor,
          timeZone: ctx.previous.timeZone,
        }
      : { revision: meeting.revision - 1 };
    if (!ctx.previous)
      flags.push(
        rule(
          'revision',
          `revision ${meeting.revision - 1} of this meeting was not found: the notice says it replaces the earlier notice without its date`,
          '300.322(a)(1)',
          'meeting-reschedule',
        ),
      );
  }
}
