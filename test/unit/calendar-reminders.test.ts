import { describe, expect, it } from 'vitest';
import { deriveCalendarEntries } from '../../functions/core/calendar.ts';
import { calendarDateIn } from '../../functions/core/dates.ts';
import {
  calendarFor,
  DEFAULT_REMINDER_OFFSETS,
  planReminders,
  type Reminder,
  resolveReminderOffsets,
  selectDueReminders,
} from '../../functions/core/reminders.ts';
import { fixture, variant } from './calendar-support.ts';

const english = fixture('annual-elementary-en');
const remindersOf = (decision = english, offsets = DEFAULT_REMINDER_OFFSETS) =>
  planReminders(decision, deriveCalendarEntries(decision), offsets);
const summary = (rs: Reminder[]) =>
  rs.map((r) => `${r.entry} ${r.recipientId} ${r.kind} ${r.sendOn}`);

describe('planReminders with the default offsets', () => {
  it('plans the annual review and reevaluation reminders of the English decision', () => {
    // Act
    const reminders = remindersOf();
    // Assess
    expect(summary(reminders).sort()).toEqual(
      [
        'annual-review case-manager reminder 2027-09-20',
        'annual-review case-manager reminder 2027-10-20',
        'annual-review case-manager reminder 2027-11-05',
        'annual-review case-manager reminder 2027-11-12',
        'annual-review G-1 reminder 2027-10-20',
        'annual-review G-2 reminder 2027-10-20',
        'annual-review case-manager overdue 2027-11-20',
        'reevaluation case-manager reminder 2027-07-16',
        'reevaluation case-manager reminder 2027-08-15',
        'reevaluation case-manager reminder 2027-09-14',
        'reevaluation case-manager overdue 2027-10-15',
      ].sort(),
    );
  });

  it('addresses each guardian as a parent and the case manager as such, with offsets in days before', () => {
    const parents = remindersOf().filter((r) => r.audience === 'parent');
    expect(parents.map((r) => [r.recipientId, r.offsetDays, r.dueDate])).toEqual([
      ['G-1', 30, '2027-11-19'],
      ['G-2', 30, '2027-11-19'],
    ]);
    const overdue = remindersOf().filter((r) => r.kind === 'overdue');
    expect(overdue.map((r) => [r.audience, r.offsetDays])).toEqual([
      ['case-manager', -1],
      ['case-manager', -1],
    ]);
  });

  it('reminds the case manager 90 and 30 days before the 16th birthday', () => {
    const reminders = remindersOf(fixture('annual-transition-es')).filter(
      (r) => r.entry === 'transition',
    );
    expect(summary(reminders)).toEqual([
      'transition case-manager reminder 2026-10-01',
      'transition case-manager reminder 2026-11-30',
    ]);
  });

  it('tells the student and the parents 90 days before rights transfer', () => {
    const reminders = remindersOf(fixture('majority-ar')).filter((r) => r.entry === 'majority');
    expect(reminders.map((r) => `${r.audience} ${r.recipientId} ${r.sendOn}`).sort()).toEqual([
      'parent G-1 2027-03-17',
      'student student 2027-03-17',
    ]);
  });

  it('sends the parents’ annual review notice to the student too once rights have transferred', () => {
    // Rights transfer 2027-06-15; the parents' notice goes out 2027-10-18.
    const notice = remindersOf(fixture('majority-ar')).filter(
      (r) => r.entry === 'annual-review' && r.kind === 'reminder' && r.offsetDays === 30,
    );
    expect(notice.map((r) => `${r.audience} ${r.recipientId}`).sort()).toEqual([
      'case-manager case-manager',
      'parent G-1',
      'student student',
    ]);
  });

  it('does not copy the student on a parents’ notice sent the day before rights transfer', () => {
    // Review due 2027-11-19, parents told 2027-10-20: rights transfer on 2027-10-21.
    const decision = variant(english, { dateOfBirth: '2009-10-21' });
    const notice = remindersOf(decision).filter((r) => r.entry === 'annual-review');
    expect(notice.some((r) => r.recipientId === 'student')).toBe(false);
    const onTheDay = remindersOf(variant(english, { dateOfBirth: '2009-10-20' }));
    expect(onTheDay.some((r) => r.entry === 'annual-review' && r.recipientId === 'student')).toBe(
      true,
    );
  });

  it('plans nothing for cancelled entries', () => {
    const entries = deriveCalendarEntries(english).map((e) => ({
      ...e,
      status: 'cancelled' as const,
    }));
    expect(planReminders(english, entries)).toEqual([]);
  });

  it('refuses entries of another decision version (the recipients come from the decision)', () => {
    const entries = deriveCalendarEntries(variant(english, { version: 2 }));
    expect(() => planReminders(english, entries)).toThrow(RangeError);
  });
});

describe('reminder ids', () => {
  it('are the same every time the same decision is planned', () => {
    expect(remindersOf().map((r) => r.reminderId)).toEqual(remindersOf().map((r) => r.reminderId));
  });

  it('are unique within a plan', () => {
    const ids = remindersOf(fixture('majority-ar')).map((r) => r.reminderId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('differ between versions, while the dedupe key of a notice with the same due date does not', () => {
    const v1 = remindersOf();
    const v2 = remindersOf(variant(english, { version: 2 }));
    expect(v2.map((r) => r.reminderId)).not.toContain(v1[0]?.reminderId);
    expect(v2.map((r) => r.dedupeKey)).toEqual(v1.map((r) => r.dedupeKey));
  });

  it('carry no student or guardian data', () => {
    for (const r of remindersOf()) {
      expect(r.reminderId).toMatch(/^rem_[0-9a-f]{32}$/);
      expect(r.dedupeKey).toMatch(/^ntc_[0-9a-f]{32}$/);
    }
  });
});

describe('configurable offsets', () => {
  it('uses the offsets given instead of the defaults', () => {
    const offsets = resolveReminderOffsets({
      'annual-review': { caseManager: [45], parents: [21] },
      reevaluation: { caseManager: [] },
      overdueAfterDays: 3,
    });
    const reminders = remindersOf(english, offsets).filter((r) => r.entry === 'annual-review');
    expect(summary(reminders)).toEqual([
      'annual-review case-manager reminder 2027-10-05',
      'annual-review G-1 reminder 2027-10-29',
      'annual-review G-2 reminder 2027-10-29',
      'annual-review case-manager overdue 2027-11-22',
    ]);
  });

  it('keeps the defaults for what is not overridden', () => {
    const offsets = resolveReminderOffsets({ 'annual-review': { caseManager: [45] } });
    expect(offsets['annual-review'].parents).toEqual([30]);
    expect(offsets.reevaluation).toEqual(DEFAULT_REMINDER_OFFSETS.reevaluation);
  });

  it('rejects negative or fractional offsets and an overdue alert on the due date', () => {
    expect(() => resolveReminderOffsets({ transition: { caseManager: [-1] } })).toThrow(
      /transition/,
    );
    expect(() => resolveReminderOffsets({ majority: { student: [1.5] } })).toThrow(RangeError);
    expect(() => resolveReminderOffsets({ overdueAfterDays: 0 })).toThrow(/overdueAfterDays/);
  });
});

describe('selectDueReminders', () => {
  it('sends nothing before the first send date', () => {
    expect(selectDueReminders(remindersOf(), '2027-07-15')).toEqual({ send: [], skipStale: [] });
  });

  it('sends the parents’ notice once per guardian on its day, 30 days before 2027-11-19', () => {
    const pending = remindersOf().filter((r) => r.sendOn >= '2027-10-20');
    const { send } = selectDueReminders(pending, '2027-10-20');
    expect(summary(send)).toEqual([
      'annual-review case-manager reminder 2027-10-20',
      'annual-review G-1 reminder 2027-10-20',
      'annual-review G-2 reminder 2027-10-20',
    ]);
  });

  it('after a gap of weeks sends only the latest due offset and records the earlier ones stale', () => {
    // Prepare: nothing sent since 2027-09-01
    const pending = remindersOf().filter((r) => r.sendOn > '2027-09-01');
    // Act
    const { send, skipStale } = selectDueReminders(pending, '2027-11-06');
    // Assess
    expect(summary(send).sort()).toEqual(
      [
        'annual-review case-manager reminder 2027-11-05',
        'annual-review G-1 reminder 2027-10-20',
        'annual-review G-2 reminder 2027-10-20',
        'reevaluation case-manager overdue 2027-10-15',
      ].sort(),
    );
    expect(summary(skipStale).sort()).toEqual(
      [
        'annual-review case-manager reminder 2027-09-20',
        'annual-review case-manager reminder 2027-10-20',
        'reevaluation case-manager reminder 2027-09-14',
      ].sort(),
    );
  });

  it('then sends the next offset on its own day, and nothing twice', () => {
    const pending = remindersOf().filter((r) => r.sendOn > '2027-09-01');
    const first = selectDueReminders(pending, '2027-11-06');
    const handled = new Set([...first.send, ...first.skipStale].map((r) => r.reminderId));
    const left = pending.filter((r) => !handled.has(r.reminderId));
    // Act
    const next = selectDueReminders(left, '2027-11-12');
    // Assess
    expect(summary(next.send)).toEqual(['annual-review case-manager reminder 2027-11-12']);
    expect(next.skipStale).toEqual([]);
  });

  it('counts a reminder listed twice once', () => {
    const parent = remindersOf().filter((r) => r.recipientId === 'G-1');
    const { send } = selectDueReminders([...parent, ...parent], '2027-10-20');
    expect(send).toHaveLength(1);
  });

  it('rejects a today that is not a calendar date', () => {
    expect(() => selectDueReminders([], '2027-10-20T07:00:00Z')).toThrow(RangeError);
  });

  it('reads today in the district’s time zone: just before midnight in Los Angeles nothing is due yet', () => {
    // Prepare: the parents' notice is due on 2027-10-20 (Pacific daylight time, UTC-7)
    const pending = remindersOf().filter((r) => r.audience === 'parent');
    const justBefore = new Date('2027-10-20T06:59:59Z');
    const justAfter = new Date('2027-10-20T07:00:00Z');
    // Act
    const laBefore = calendarDateIn(justBefore, 'America/Los_Angeles');
    const utcBefore = calendarDateIn(justBefore, 'UTC');
    const laAfter = calendarDateIn(justAfter, 'America/Los_Angeles');
    // Assess
    expect([laBefore, utcBefore, laAfter]).toEqual(['2027-10-19', '2027-10-20', '2027-10-20']);
    expect(selectDueReminders(pending, laBefore).send).toEqual([]);
    expect(selectDueReminders(pending, utcBefore).send).toHaveLength(2);
    expect(selectDueReminders(pending, laAfter).send).toHaveLength(2);
  });
});

describe('calendarFor', () => {
  it('gives the entries and reminders of one decision, with the offsets given', () => {
    const offsets = resolveReminderOffsets({ reevaluation: { caseManager: [10] } });
    const { entries, reminders } = calendarFor(english, { offsets });
    expect(entries).toEqual(deriveCalendarEntries(english));
    expect(summary(reminders.filter((r) => r.entry === 'reevaluation'))).toEqual([
      'reevaluation case-manager reminder 2027-10-04',
      'reevaluation case-manager overdue 2027-10-15',
    ]);
  });
});
