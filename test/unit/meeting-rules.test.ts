/**
 * The notice of an IEP team meeting at the edges 34 CFR 300.322 names: what it must say
 * ((b)(1)(i)), early enough ((a)(1), the profile's minimum days), transition ((b)(2)), and a
 * reschedule replacing the earlier notice.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MeetingItem, readMeetingItem } from '../../functions/core/meeting.ts';
import { checkMeeting, transitionApplies } from '../../functions/core/meeting-rules.ts';
import { composeStaffEmail } from '../../functions/pipeline/calendar-staff-notifier.ts';

const sample = (name: string): MeetingItem => {
  const read = readMeetingItem(
    JSON.parse(
      readFileSync(new URL(`../../samples/meetings/${name}.json`, import.meta.url), 'utf8'),
    ),
  );
  if (read.kind !== 'meeting') throw new Error(JSON.stringify(read.problems));
  return read.meeting;
};
const annual = () => sample('meeting-annual-en');
const transition = () => sample('meeting-transition-es');
const ctx = { issuedOn: '2027-09-01', minimumNoticeDays: 10, state: 'CA' };
const rules = (m: MeetingItem, c = ctx) => checkMeeting(m, c).problems.map((p) => p.rule);

describe('meeting items', () => {
  it('accepts both samples as they are', () => {
    expect(annual().purpose).toBe('annual');
    expect(transition().agencies).toHaveLength(1);
  });

  it('names the path of a missing field and refuses an unknown one', () => {
    const { guardians: _, ...noGuardians } = { ...annual(), extra: 1 };
    const read = readMeetingItem(noGuardians);
    expect(read.kind).toBe('invalid');
    const paths = read.kind === 'invalid' ? read.problems.map((p) => p.path) : [];
    expect(paths).toContain('guardians');
    expect(paths).toContain('(meeting)');
  });

  it('refuses a time without its offset (the time zone of the time must be known)', () => {
    const read = readMeetingItem({ ...annual(), scheduledFor: '2027-10-12T15:30:00' });
    expect(read.kind).toBe('invalid');
  });
});

describe('300.322(b)(1)(i): purpose, time, location, who will attend', () => {
  it('passes the samples with no problem and no flag', () => {
    expect(checkMeeting(annual(), ctx)).toMatchObject({ problems: [], flags: [] });
    expect(checkMeeting(transition(), ctx)).toMatchObject({ problems: [], flags: [] });
  });

  it('needs a location or call details', () => {
    const { location: _, ...m } = annual();
    expect(rules(m as MeetingItem)).toEqual(['meeting-location']);
    const byCall = { ...m, call: { method: 'phone' as const, details: '+1-555-0100' } };
    expect(rules(byCall as MeetingItem)).toEqual([]);
  });

  it('needs at least one invitee, and words for a purpose of "other"', () => {
    expect(rules({ ...annual(), invitees: [] })).toEqual(['meeting-attendance']);
    expect(rules({ ...annual(), purpose: 'other' })).toEqual(['meeting-purpose']);
    expect(rules({ ...annual(), purpose: 'other', purposeDetails: 'Behavior plan' })).toEqual([]);
  });
});

describe("300.322(a)(1): early enough (the profile's minimum, default 10 days)", () => {
  // The annual sample meets on 2027-10-12 (Los Angeles).
  it('flags a notice one day short of the minimum, and not one on the minimum', () => {
    const short = checkMeeting(annual(), { ...ctx, issuedOn: '2027-10-03' });
    expect(short.problems).toEqual([]);
    expect(short.flags.map((f) => [f.rule, f.cfr])).toEqual([
      ['meeting-notice-short', '300.322(a)(1)'],
    ]);
    expect(checkMeeting(annual(), { ...ctx, issuedOn: '2027-10-02' }).flags).toEqual([]);
  });

  it('reads the meeting day in its own time zone (late evening Pacific is the next UTC day)', () => {
    const m = { ...annual(), scheduledFor: '2027-10-12T22:30:00-07:00' };
    expect(checkMeeting(m, ctx).meetingDate).toBe('2027-10-12');
  });

  it('follows the profile: a minimum of 5 days lets a 5-day notice go unflagged', () => {
    expect(
      checkMeeting(annual(), { ...ctx, issuedOn: '2027-10-07', minimumNoticeDays: 5 }).flags,
    ).toEqual([]);
  });

  it('rejects a notice issued after the meeting, and flags one on the meeting day', () => {
    expect(rules(annual(), { ...ctx, issuedOn: '2027-10-13' })).toEqual([
      'meeting-notice-early-enough',
    ]);
    const sameDay = checkMeeting(annual(), { ...ctx, issuedOn: '2027-10-12' });
    expect(sameDay.problems).toEqual([]);
    expect(sameDay.flags.map((f) => f.rule)).toEqual(['meeting-notice-short']);
  });
});

describe('300.322(b)(2): transition', () => {
  it('applies when the IEP of the meeting is in effect on the 16th birthday (the day before the anniversary)', () => {
    // Born 2011-10-11: 16 on 2027-10-11, before a meeting on 2027-10-12 → applies.
    const m = { ...annual(), student: { ...annual().student, dateOfBirth: '2011-10-11' } };
    expect(transitionApplies(m, '2027-10-12', 'CA')).toBe(true);
    // 16 on 2028-10-11, the last day of that IEP's year → applies.
    expect(transitionApplies(m, '2027-10-12', 'CA')).toBe(true);
    const later = { ...m, student: { ...m.student, dateOfBirth: '2012-10-12' } };
    // 16 on 2028-10-12, the day after that IEP's year ends → does not apply.
    expect(transitionApplies(later, '2027-10-12', 'CA')).toBe(false);
    // Under Pennsylvania's 14, it does.
    expect(transitionApplies(later, '2027-10-12', 'PA')).toBe(true);
  });

  it('requires the student among the invitees, citing (b)(2)(i)(B)', () => {
    const t = transition();
    const noStudent = { ...t, invitees: t.invitees.filter((i) => i.role !== 'student') };
    const problems = checkMeeting(noStudent, ctx).problems;
    expect(problems.map((p) => [p.rule, p.cfr])).toEqual([
      ['meeting-student-invited', '300.322(b)(2)(i)(B)'],
    ]);
  });

  it('lets a transition notice name no agency (it says none)', () => {
    expect(checkMeeting({ ...transition(), agencies: [] }, ctx).problems).toEqual([]);
  });
});

describe('a rescheduled meeting', () => {
  it('replaces the revision before it, with its time', () => {
    const previous = annual();
    const check = checkMeeting(
      { ...annual(), revision: 2, scheduledFor: '2027-10-19T15:30:00-07:00' },
      { ...ctx, previous },
    );
    expect(check.replaces).toEqual({
      revision: 1,
      scheduledFor: previous.scheduledFor,
      timeZone: previous.timeZone,
    });
  });

  it('still says it replaces the earlier notice when that revision cannot be read (and flags it)', () => {
    const check = checkMeeting({ ...annual(), revision: 3 }, ctx);
    expect(check.replaces).toEqual({ revision: 2 });
    expect(check.flags.map((f) => f.rule)).toEqual(['meeting-reschedule']);
  });

  it('says nothing of replacing for a first revision', () => {
    expect(checkMeeting(annual(), ctx).replaces).toBeUndefined();
  });
});

describe("the case manager's annual-review reminder at 60 days", () => {
  const notice = {
    noticeId: 'ntc_1',
    districtId: 'example-usd',
    decisionId: 'd-1',
    version: 1,
    entry: 'annual-review' as const,
    dueDate: '2027-11-18',
    kind: 'reminder' as const,
    offsetDays: 60,
    to: { name: 'Case Manager', email: 'cm@example-usd.org' },
  };

  it('asks to schedule the meeting at 60 days, citing 300.322(a)', () => {
    const text = composeStaffEmail(notice, 'Example USD').text;
    expect(text).toContain('Please schedule the annual review meeting now');
    expect(text).toContain('300.322(a)(1)');
  });

  it('does not ask it at 30 days, for a reevaluation, or when overdue', () => {
    for (const other of [
      { ...notice, offsetDays: 30 },
      { ...notice, entry: 'reevaluation' as const },
      { ...notice, kind: 'overdue' as const, offsetDays: -1 },
    ])
      expect(composeStaffEmail(other, 'Example USD').text).not.toContain('schedule the annual');
  });
});
