/**
 * schemaVersion 2 and the state table, one block per finding of the review of issue 15: each
 * decision below was handled wrongly before (rejected though lawful, or documented wrongly)
 * and each assertion is the behaviour the law asks for.
 */
import { describe, expect, it } from 'vitest';
import { deriveCalendarEntries, overdueReport } from '../../functions/core/calendar.ts';
import { planReminders } from '../../functions/core/reminders.ts';
import { stateLaw } from '../../functions/core/state-law.ts';
import { composeStaffEmail } from '../../functions/pipeline/calendar-staff-notifier.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import { noticeView } from '../../functions/render/notice.ts';
import { rawSample } from '../fixtures/decisions.ts';
import { check, districtIn, documentText, parsed, v2Sample } from './law-support.ts';

/** `raw` with `word` replaced in every text value (keys kept). */
function withoutWord(raw: unknown, word: RegExp): any {
  if (typeof raw === 'string') return raw.replace(word, '…');
  if (Array.isArray(raw)) return raw.map((v) => withoutWord(v, word));
  if (raw && typeof raw === 'object')
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, withoutWord(v, word)]));
  return raw;
}

const rules = (raw: unknown, state?: string) => check(raw, state).problems.map((p) => p.rule);

describe('an amendment without a meeting (300.324(a)(4))', () => {
  const raw = () => rawSample('amendment-written-v2-en');

  it('is accepted with the written agreement and the changes, and rejected without them', () => {
    expect(check(raw()).problems).toEqual([]);
    const bare = raw();
    delete bare.meeting.parentAgreement;
    bare.meeting.changes = [];
    expect(check(bare).problems).toEqual([
      expect.objectContaining({ path: 'meeting.parentAgreement', cfr: '300.324(a)(4)(i)' }),
      expect.objectContaining({ path: 'meeting.changes', cfr: '300.324(a)(4)' }),
    ]);
  });

  it('says what happened: amendment of the IEP of April 30, agreed in writing, never a meeting', () => {
    // The district's own words may say "meeting": only the document's words are checked here.
    const decision = parsed(withoutWord(raw(), /meeting/gi));
    for (const type of ['iep', 'prior-written-notice'] as const) {
      const text = documentText(decision, type);
      expect(text).toMatch(
        /amendment to the IEP of April 30, 2026, agreed in writing on November 24, 2026/i,
      );
      expect(text).not.toMatch(/meeting|attended/i);
    }
    const iep = documentText(decision);
    expect(iep).toContain('Speech-language therapy increased from 30 to 60 minutes a week');
    expect(iep).toContain('Informed of the change on November 25, 2026');
    expect(iep).toContain('Age on the date of the written agreement');
    expect(iep).toContain('Signed form');
  });

  it('no longer reads a version-1 written amendment as a meeting the parent attended', () => {
    const text = documentText(parsed(rawSample('amendment-en')));
    expect(text).not.toMatch(/Attended|Age at the meeting/);
    expect(text).toContain('Informed of the change');
  });

  it('may not start before the written agreement', () => {
    const early = raw();
    early.meeting.parentAgreement.date = '2026-12-02';
    expect(check(early).problems).toEqual([
      expect.objectContaining({ path: 'iep.startDate', rule: 'iep-starts-after-development' }),
    ]);
  });
});

describe('special factors: does it apply, and what did the team decide (300.324(a)(2))', () => {
  it('prints "No" and the decision for a factor that does not apply, not "Yes"', () => {
    const raw = v2Sample();
    raw.iep.specialFactors.behavior = {
      applies: false,
      notes: 'Behavior does not impede learning.',
    };
    const text = documentText(parsed(raw));
    expect(text).toContain('Behavior that impedes learning No Behavior does not impede learning.');
    expect(text).not.toContain('Considered');
  });

  it('reads version 1 `considered` as `applies`', () => {
    const d = parsed(rawSample());
    expect(d.iep.specialFactors.behavior).toEqual({
      applies: true,
      notes: 'Behavior does not impede learning.',
    });
  });

  it('requires what was decided on communication and assistive technology, always', () => {
    const raw = v2Sample();
    raw.iep.specialFactors.communication = { applies: false, notes: '' };
    raw.iep.specialFactors.assistiveTechnology = { applies: false, notes: '  ' };
    raw.iep.specialFactors.braille = { applies: true, notes: '' };
    expect(check(raw).problems.map((p) => [p.path, p.cfr])).toEqual([
      ['iep.specialFactors.braille.notes', '300.324(a)(2)(iii)'],
      ['iep.specialFactors.communication.notes', '300.324(a)(2)(iv)'],
      ['iep.specialFactors.assistiveTechnology.notes', '300.324(a)(2)(v)'],
    ]);
  });

  it('rejects the version-1 field in a version-2 decision', () => {
    const raw = v2Sample();
    raw.iep.specialFactors.braille = { considered: false, notes: '' };
    expect(check(raw).kind).toBe('invalid');
  });
});

describe('the team (300.321, 300.322(d))', () => {
  const withoutParents = (attempts: number) => {
    const raw = v2Sample();
    for (const a of raw.meeting.attendees) if (a.role === 'parent') a.attended = false;
    raw.meeting.parentAttempts = [
      { date: '2026-11-02', method: 'phone', result: 'No answer; voicemail left.' },
      { date: '2026-11-09', method: 'letter', result: 'Letter sent; no reply.' },
      { date: '2026-11-13', method: 'home-visit', result: 'No one at home.' },
    ].slice(0, attempts);
    return raw;
  };

  it('holds the meeting without the parents after two documented attempts, and says so', () => {
    expect(check(withoutParents(1)).problems).toEqual([
      expect.objectContaining({ rule: 'team-parent', cfr: '300.322(d)' }),
    ]);
    expect(check(withoutParents(2)).problems).toEqual([]);
    const text = documentText(parsed(withoutParents(3)));
    expect(text).toContain('The meeting was held without the parents, after these attempts');
    expect(text).toContain('November 9, 2026 · Letter · Letter sent; no reply.');
  });

  it('asks for a general education teacher only when the student is in regular education', () => {
    const raw = v2Sample();
    raw.meeting.attendees = raw.meeting.attendees.filter(
      (a: { role: string }) => a.role !== 'general-education-teacher',
    );
    expect(rules(raw)).toEqual(['team-members']);
    raw.iep.leastRestrictiveEnvironment.percentInGeneralEducation = 0;
    expect(check(raw).problems).toEqual([]);
  });

  it("records an excusal's written consent and input, and prints them", () => {
    const raw = v2Sample();
    const teacher = raw.meeting.attendees.find(
      (a: { role: string }) => a.role === 'general-education-teacher',
    );
    teacher.attended = false;
    teacher.excused = { consentDate: '2026-11-18', writtenInputReceived: true };
    expect(check(raw).problems).toEqual([]);
    expect(documentText(parsed(raw))).toContain(
      "Excused: parent's written consent of November 18, 2026; written input received",
    );
    teacher.excused = true;
    expect(check(raw).kind).toBe('invalid');
    teacher.excused = { consentDate: '2026-11-18', writtenInputReceived: false };
    expect(check(raw).problems[0]?.message).toContain('300.321(e)(2)(ii)');
    teacher.excused = { consentDate: '2026-11-21', writtenInputReceived: true };
    expect(check(raw).problems).toEqual([
      expect.objectContaining({ cfr: '300.321(e)(2)(i)', rule: 'team-members' }),
    ]);
  });
});

describe('one state table: transition age and age of majority (300.320(b), (c), 300.520)', () => {
  /** A student who turns 15 on 2027-03-01, within the IEP, and 16 after it ends. */
  const fifteen = () => {
    const raw = v2Sample();
    raw.student.dateOfBirth = '2012-03-01';
    return raw;
  };

  it('requires a transition plan at 15 in New York, naming 300.320(b) and 8 NYCRR 200.4(d)(2)(ix)', () => {
    expect(check(fifteen(), 'CA').problems).toEqual([]);
    const [problem, ...rest] = check(fifteen(), 'NY').problems;
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ path: 'iep.transition', cfr: '300.320(b)' });
    expect(problem?.message).toContain('turns 15 on 2027-03-01');
    expect(problem?.message).toContain('8 NYCRR 200.4(d)(2)(ix)');
  });

  it('requires it at 14 in Massachusetts (603 CMR 28.05(4)(c))', () => {
    const raw = v2Sample();
    raw.student.dateOfBirth = '2013-03-01';
    expect(rules(raw, 'MA')).toEqual(['transition-plan']);
    expect(rules(raw, 'NY')).toEqual([]);
  });

  it('names a source for every row', () => {
    for (const state of ['AL', 'MA', 'MS', 'NE', 'NY', 'PA', 'CA']) {
      const law = stateLaw(state);
      expect(law.transitionSource, state).toMatch(/CFR|CMR|NYCRR|Pa\. Code/);
      expect(law.majoritySource, state).not.toBe('');
    }
    expect([stateLaw('AL').ageOfMajority, stateLaw('NE').ageOfMajority]).toEqual([19, 19]);
    expect(stateLaw('MS').ageOfMajority).toBe(21);
  });

  /** Alabama: 19 on 2027-03-01, within the IEP's year; the district recorded 18 (version 1). */
  const alabama = () => {
    const raw = rawSample('transition-es');
    raw.student.dateOfBirth = '2008-03-01';
    raw.iep.transferOfRights = { ageOfMajority: 18, informedOn: '2026-11-19' };
    return raw;
  };

  it('says 19 in Alabama in the IEP, the notice and the calendar, whatever the decision says', () => {
    const decision = parsed(alabama());
    const al = districtIn('AL');
    expect(check(alabama(), 'AL').problems).toEqual([]);
    expect(documentText(decision, 'iep', al)).toContain(
      'transfer to the student at age 19, on March 1, 2027',
    );
    const notice = noticeView({
      decision,
      district: al,
      locale: loadLocales().get('en')!,
      type: 'majority-notice',
      dueDate: '2027-03-01',
      issuedOn: '2026-12-01',
    });
    expect(notice.body).toContain('(19)');
    expect(notice.issued).toBe('December 1, 2026');
    const majority = deriveCalendarEntries(decision, { state: 'AL' }).find(
      (e) => e.entry === 'majority',
    );
    expect(majority).toMatchObject({ dueDate: '2027-03-01', ageOfMajority: 19 });
  });

  it('does not transfer rights to a student under guardianship, and says so', () => {
    const raw = alabama();
    delete raw.iep.transferOfRights;
    expect(rules(raw, 'AL')).toEqual(['transfer-of-rights']);
    const v2 = v2Sample('transition-es');
    v2.student.dateOfBirth = '2008-03-01';
    v2.student.guardianship = { appointedOn: '2026-10-01' };
    expect(check(v2, 'AL').problems).toEqual([]);
    const decision = parsed(v2);
    expect(deriveCalendarEntries(decision, { state: 'AL' }).map((e) => e.entry)).not.toContain(
      'majority',
    );
    expect(documentText(decision, 'iep', districtIn('AL'))).toContain(
      'A court appointed a guardian of the student on October 1, 2026',
    );
  });
});

describe('dates (300.503(a), 300.323(c))', () => {
  it('shows the date issued, in the district time zone, on the IEP and the notice', () => {
    const raw = v2Sample();
    raw.finalizedAt = '2026-11-21T06:30:00Z'; // 22:30 on November 20 in Los Angeles
    const decision = parsed(raw);
    expect(documentText(decision)).toContain('Date issued November 20, 2026');
    expect(documentText(decision, 'prior-written-notice')).toContain(
      'Date issued: November 20, 2026',
    );
  });

  it('rejects an IEP that starts before its meeting', () => {
    const raw = v2Sample();
    raw.iep.startDate = '2026-11-19';
    raw.iep.services = [];
    expect(check(raw).problems).toEqual([
      expect.objectContaining({ path: 'iep.startDate', cfr: '300.323(c)' }),
    ]);
  });

  it("lists the next IEP's transfer-of-rights statement when majority falls in the next IEP's year", () => {
    const raw = rawSample('transition-es');
    // In Alabama, 19 on 2029-01-15: the statement is due from 2028-01-15, after this IEP ends
    // (2027-11-18) and within the year of the next one.
    raw.student.dateOfBirth = '2010-01-15';
    const decision = parsed(raw);
    expect(check(raw, 'AL').problems).toEqual([]);
    const [review, ...others] = deriveCalendarEntries(decision, { state: 'AL' });
    expect(review).toMatchObject({
      entry: 'annual-review',
      noticeDate: '2028-01-15',
      majorityDate: '2029-01-15',
      ageOfMajority: 19,
    });
    expect(others.map((e) => e.entry)).toEqual(['reevaluation']);
    // In California (18 on 2028-01-15) this IEP itself must carry it: no entry for the next.
    expect(deriveCalendarEntries(decision, { state: 'CA' })[0]?.majorityDate).toBeUndefined();
  });
});

describe('reevaluation waiver (300.303(b)(2))', () => {
  it('cancels the reevaluation reminders and the overdue alert, with the reason', () => {
    const raw = v2Sample();
    raw.student.reevaluationWaiver = { agreedOn: '2026-11-20' };
    const decision = parsed(raw);
    const entries = deriveCalendarEntries(decision);
    const reevaluation = entries.find((e) => e.entry === 'reevaluation');
    expect(reevaluation).toMatchObject({
      status: 'cancelled',
      waivedOn: '2026-11-20',
      cancelledBy: { reason: 'waived' },
    });
    expect(planReminders(decision, entries).some((r) => r.entry === 'reevaluation')).toBe(false);
    expect(overdueReport(entries, '2028-01-01').map((o) => o.entry)).not.toContain('reevaluation');
    // Without the waiver the same decision is overdue for reevaluation on that day.
    expect(
      overdueReport(deriveCalendarEntries(parsed(v2Sample())), '2028-01-01').map((o) => o.entry),
    ).toContain('reevaluation');
  });
});

describe('long records: the 400 KB item, not 20,000 characters', () => {
  it('accepts a 22,000-character present level and 40 goals', () => {
    for (const raw of [rawSample(), v2Sample()]) {
      raw.iep.presentLevels.academic = 'Reads grade-level text with support. '.repeat(600);
      expect(raw.iep.presentLevels.academic.length).toBeGreaterThan(22_000);
      const goal = raw.iep.goals[0];
      raw.iep.goals = Array.from({ length: 40 }, (_, i) => ({ ...goal, goalId: `G${i + 1}` }));
      expect(check(raw).problems).toEqual([]);
    }
  });

  it('rejects an item over 400 KB, naming its size', () => {
    const raw = v2Sample();
    raw.iep.presentLevels.academic = 'x'.repeat(300_000);
    raw.iep.presentLevels.functional = 'y'.repeat(150_000);
    expect(check(raw).problems).toEqual([
      { path: '(decision)', message: expect.stringMatching(/item is 4\d\d KB.*at most 400 KB/) },
    ]);
  });
});

describe("the case manager's annual-review reminder", () => {
  it("says the next IEP must state the transfer of rights, without the student's dates", () => {
    const notice = {
      noticeId: 'ntc_1',
      districtId: 'example-usd',
      decisionId: 'd-1',
      version: 1,
      entry: 'annual-review' as const,
      dueDate: '2027-11-18',
      kind: 'reminder' as const,
      offsetDays: 30,
      to: { name: 'Case Manager', email: 'cm@example-usd.org' },
    };
    const plain = composeStaffEmail(notice, 'Example USD').text;
    const told = composeStaffEmail({ ...notice, transferOfRightsInNextIep: true }, 'Example USD');
    expect(plain).not.toContain('300.320(c)');
    expect(told.text).toContain('The next IEP must include the statement');
    expect(told.text).toContain('300.320(c)');
    expect(told.text).not.toMatch(/\d{4}-\d{2}-\d{2}.*\d{4}-\d{2}-\d{2}/s);
  });
});
