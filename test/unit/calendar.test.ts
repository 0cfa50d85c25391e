import { describe, expect, it } from 'vitest';
import {
  type CalendarEntry,
  deriveCalendarEntries,
  studentKey,
} from '../../functions/core/calendar.ts';
import { fixture, fixtureNames, variant } from './calendar-support.ts';

const due = (entries: CalendarEntry[]) =>
  Object.fromEntries(entries.map((e) => [e.entry, e.dueDate]));

describe('deriveCalendarEntries on the shared fixtures', () => {
  it('gives the English annual decision its review on 2027-11-19 and reevaluation on 2027-10-14', () => {
    // Prepare
    const decision = fixture('annual-elementary-en');
    // Act
    const entries = deriveCalendarEntries(decision);
    // Assess
    expect(due(entries)).toEqual({ 'annual-review': '2027-11-19', reevaluation: '2027-10-14' });
  });

  it('keeps the amended IEP annual review due on 2027-04-29 for the amendment', () => {
    const entries = deriveCalendarEntries(fixture('amendment-vi'));
    expect(due(entries)['annual-review']).toBe('2027-04-29');
  });

  it('gives the Spanish decision a transition entry on the 16th birthday, within the IEP year', () => {
    const entries = deriveCalendarEntries(fixture('annual-transition-es'));
    expect(due(entries)).toEqual({
      'annual-review': '2027-11-18',
      reevaluation: '2028-01-21',
      transition: '2026-12-30',
    });
    expect(entries.find((e) => e.entry === 'transition')?.transitionPlanInIep).toBe(true);
  });

  it('gives the Arabic decision the majority date and the notice date a year before', () => {
    const entries = deriveCalendarEntries(fixture('majority-ar'));
    const majority = entries.find((e) => e.entry === 'majority');
    expect(majority).toMatchObject({
      dueDate: '2027-06-15',
      noticeDate: '2026-06-15',
      ageOfMajority: 18,
    });
    expect(entries.some((e) => e.entry === 'transition')).toBe(false);
  });

  it('records who, when and why on every entry, without the student id', () => {
    for (const name of fixtureNames) {
      const decision = fixture(name);
      for (const entry of deriveCalendarEntries(decision)) {
        expect(entry).toMatchObject({
          entryId: `${decision.decisionId}#v${decision.version}#${entry.entry}`,
          decisionId: decision.decisionId,
          version: decision.version,
          districtId: decision.districtId,
          timeZone: 'America/Los_Angeles',
          meetingDate: decision.meeting.date,
          status: 'pending',
        });
        expect(entry.cfr).toMatch(/^300\./);
        expect(JSON.stringify(entry)).not.toContain(decision.student.studentId);
        expect(JSON.stringify(entry)).not.toContain(decision.student.dateOfBirth);
      }
    }
  });

  it('schedules nothing for a draft or a withdrawn decision', () => {
    const base = fixture('annual-elementary-en');
    expect(deriveCalendarEntries(variant(base, { status: 'draft' }))).toEqual([]);
    expect(deriveCalendarEntries(variant(base, { status: 'withdrawn' }))).toEqual([]);
  });
});

describe('annual review and reevaluation dates', () => {
  const base = fixture('annual-elementary-en');

  it('makes a 29 February 2028 meeting due for review on 27 February 2029', () => {
    const entries = deriveCalendarEntries(variant(base, { meetingDate: '2028-02-29' }));
    expect(due(entries)['annual-review']).toBe('2029-02-27');
  });

  it('makes a 29 February 2028 evaluation due again on 27 February 2031', () => {
    const entries = deriveCalendarEntries(variant(base, { lastEvaluationDate: '2028-02-29' }));
    expect(due(entries).reevaluation).toBe('2031-02-27');
  });

  it('keeps the amended meeting clock: an amendment on a later date changes no due date', () => {
    // Prepare
    const original = variant(base, { meetingDate: '2026-04-30' });
    const amendment = variant(base, {
      decisionId: 'dec-amend',
      meetingType: 'amendment',
      meetingDate: '2026-11-25',
      amendsMeetingDate: '2026-04-30',
    });
    // Act
    const [ofOriginal, ofAmendment] = [original, amendment].map((d) => deriveCalendarEntries(d));
    // Assess
    expect(due(ofAmendment ?? [])['annual-review']).toBe('2027-04-29');
    expect(due(ofAmendment ?? [])['annual-review']).toBe(due(ofOriginal ?? [])['annual-review']);
  });

  it('restarts the clock for initial, annual, reevaluation and transfer meetings', () => {
    for (const meetingType of ['initial', 'annual', 'reevaluation', 'transfer'] as const) {
      const entries = deriveCalendarEntries(
        variant(base, { meetingType, meetingDate: '2027-01-10' }),
      );
      expect(due(entries)['annual-review']).toBe('2028-01-09');
    }
  });
});

describe('the transition entry (16th birthday)', () => {
  // Meeting 2026-11-20: the annual review is due 2027-11-19.
  const base = fixture('annual-elementary-en');

  it('is there when the student turns 16 on the day the review is due', () => {
    const entries = deriveCalendarEntries(variant(base, { dateOfBirth: '2011-11-19' }));
    expect(due(entries).transition).toBe('2027-11-19');
  });

  it('is not there when the student turns 16 the day after the review is due (the next IEP)', () => {
    const entries = deriveCalendarEntries(variant(base, { dateOfBirth: '2011-11-20' }));
    expect(due(entries).transition).toBeUndefined();
  });

  it('is not there when the student turned 16 on the meeting day (this IEP carries the plan)', () => {
    const entries = deriveCalendarEntries(variant(base, { dateOfBirth: '2010-11-20' }));
    expect(due(entries).transition).toBeUndefined();
  });

  it('falls on 29 February for a student born on 29 February (16 years on is a leap year)', () => {
    const entries = deriveCalendarEntries(
      variant(base, { meetingDate: '2027-06-01', dateOfBirth: '2012-02-29' }),
    );
    expect(due(entries).transition).toBe('2028-02-29');
  });

  it('says whether the IEP already carries a transition plan', () => {
    const entries = deriveCalendarEntries(variant(base, { dateOfBirth: '2011-03-01' }));
    expect(entries.find((e) => e.entry === 'transition')?.transitionPlanInIep).toBe(false);
  });
});

describe('the majority entry', () => {
  const base = fixture('annual-elementary-en');

  it('is there when rights transfer within a year of the meeting, with a notice date already past', () => {
    const entries = deriveCalendarEntries(variant(base, { dateOfBirth: '2009-03-01' }));
    expect(entries.find((e) => e.entry === 'majority')).toMatchObject({
      dueDate: '2027-03-01',
      noticeDate: '2026-03-01',
    });
  });

  it('is there when the notice date is the day the review is due, and not the day after', () => {
    const on = deriveCalendarEntries(variant(base, { dateOfBirth: '2010-11-19' }));
    const after = deriveCalendarEntries(variant(base, { dateOfBirth: '2010-11-20' }));
    expect(on.find((e) => e.entry === 'majority')?.noticeDate).toBe('2027-11-19');
    expect(after.some((e) => e.entry === 'majority')).toBe(false);
  });

  it('is not there once rights have already transferred at the meeting', () => {
    const entries = deriveCalendarEntries(variant(base, { dateOfBirth: '2008-01-01' }));
    expect(entries.some((e) => e.entry === 'majority')).toBe(false);
  });

  it('uses the state table: 19 in Alabama', () => {
    // The district's state decides (its profile), not the student's recorded residence.
    const entries = deriveCalendarEntries(
      variant(base, { dateOfBirth: '2008-03-01', stateOfResidence: 'CA' }),
      { state: 'AL' },
    );
    expect(entries.find((e) => e.entry === 'majority')).toMatchObject({
      dueDate: '2027-03-01',
      ageOfMajority: 19,
    });
  });

  it('falls on 28 February for a student born on 29 February, its notice a year before', () => {
    const entries = deriveCalendarEntries(
      variant(base, { meetingDate: '2025-06-01', dateOfBirth: '2008-02-29' }),
    );
    expect(entries.find((e) => e.entry === 'majority')).toMatchObject({
      dueDate: '2026-02-28',
      noticeDate: '2025-02-28',
    });
  });
});

describe('studentKey', () => {
  it('is deterministic and does not contain the student id', () => {
    const key = studentKey('example-usd', 'S-104233');
    expect(key).toBe(studentKey('example-usd', 'S-104233'));
    expect(key).toMatch(/^stu_[0-9a-f]{32}$/);
    expect(key).not.toContain('104233');
  });

  it('differs between districts and between students', () => {
    const keys = new Set([
      studentKey('example-usd', 'S-1'),
      studentKey('other-usd', 'S-1'),
      studentKey('example-usd', 'S-2'),
      studentKey('example-usd', 'S-1', { studentKeySecret: 'deployment secret' }),
    ]);
    expect(keys.size).toBe(4);
  });

  it('keys every entry of a decision by its district and student', () => {
    const decision = fixture('initial-zh');
    const entries = deriveCalendarEntries(decision, { studentKeySecret: 's3cret' });
    const expected = studentKey(decision.districtId, decision.student.studentId, {
      studentKeySecret: 's3cret',
    });
    expect(entries.map((e) => e.studentKey)).toEqual(entries.map(() => expected));
  });
});
