import { describe, expect, it } from 'vitest';
import {
  type CalendarEntry,
  deriveCalendarEntries,
  isOverdue,
  overdueReport,
} from '../../functions/core/calendar.ts';
import { compareDecisions, supersede } from '../../functions/core/calendar-supersede.ts';
import type { Decision } from '../../functions/core/decision.ts';
import { planReminders, selectDueReminders } from '../../functions/core/reminders.ts';
import { fixture, variant } from './calendar-support.ts';

const english = fixture('annual-elementary-en'); // meeting 2026-11-20, review due 2027-11-19
const nextYear = variant(english, { decisionId: 'dec-2027-000201', meetingDate: '2027-11-10' });

/** Applies decisions in arrival order, as the ingest would, and returns the entries. */
function applyAll(...decisions: Decision[]): CalendarEntry[] {
  let entries: CalendarEntry[] = [];
  for (const d of decisions) entries = supersede(entries, d).entries;
  return entries;
}

const states = (entries: CalendarEntry[]) =>
  entries.map(
    (e) =>
      `${e.entryId} ${e.status}${e.cancelledBy ? ` by ${e.cancelledBy.decisionId}#v${e.cancelledBy.version} ${e.cancelledBy.reason}` : ''}`,
  );

describe('supersede: a newer finalized IEP', () => {
  it('adds the first decision’s entries', () => {
    const result = supersede([], english);
    expect(result.outcome).toBe('applied');
    expect(result.add).toEqual(deriveCalendarEntries(english));
    expect(result.cancel).toEqual([]);
  });

  it('cancels the older IEP’s pending entries and adds its own, and the entries show both', () => {
    // Prepare
    const existing = applyAll(english);
    // Act
    const result = supersede(existing, nextYear);
    // Assess
    expect(result.outcome).toBe('applied');
    expect(result.cancel.map((e) => e.entryId)).toEqual([
      'dec-2026-000101#v1#annual-review',
      'dec-2026-000101#v1#reevaluation',
    ]);
    expect(states(result.entries)).toEqual([
      'dec-2026-000101#v1#annual-review cancelled by dec-2027-000201#v1 superseded',
      'dec-2026-000101#v1#reevaluation cancelled by dec-2027-000201#v1 superseded',
      'dec-2027-000201#v1#annual-review pending',
      'dec-2027-000201#v1#reevaluation pending',
    ]);
    expect(result.add.find((e) => e.entry === 'annual-review')?.dueDate).toBe('2028-11-09');
  });

  it('replaces a corrected version even when the correction moves the meeting earlier', () => {
    const corrected = variant(english, { version: 2, meetingDate: '2026-11-19' });
    const result = supersede(applyAll(english), corrected);
    expect(result.outcome).toBe('applied');
    expect(result.add.find((e) => e.entry === 'annual-review')?.dueDate).toBe('2027-11-18');
    expect(result.cancel).toHaveLength(2);
  });

  it('changes nothing when the same version arrives again (a retry)', () => {
    const existing = applyAll(english);
    const result = supersede(existing, english);
    expect(result).toMatchObject({ outcome: 'already-applied', add: [], cancel: [] });
    expect(result.entries).toEqual(existing);
  });

  it('ignores for scheduling an older decision that arrives after a newer one', () => {
    const existing = applyAll(nextYear);
    const result = supersede(existing, english);
    expect(result).toMatchObject({ outcome: 'ignored-older', add: [], cancel: [] });
  });

  it('ignores a draft', () => {
    const result = supersede(applyAll(english), variant(nextYear, { status: 'draft' }));
    expect(result).toMatchObject({ outcome: 'ignored-draft', add: [], cancel: [] });
  });

  it('leaves another student’s entries alone', () => {
    const other = variant(english, { decisionId: 'dec-other', studentId: 'S-999999' });
    const existing = applyAll(other);
    const result = supersede(existing, nextYear);
    expect(result.cancel).toEqual([]);
    expect(result.entries.every((e) => e.decisionId === nextYear.decisionId)).toBe(true);
  });

  it('sends nothing more for a superseded entry: its reminders are no longer pending', () => {
    // Prepare
    const first = supersede([], english);
    const pending = planReminders(english, first.add);
    // Act
    const second = supersede(first.entries, nextYear);
    const cancelledIds = new Set(second.cancel.map((e) => e.entryId));
    const stillPending = pending.filter((r) => !cancelledIds.has(r.entryId));
    // Assess
    expect(selectDueReminders(stillPending, '2027-11-20').send).toEqual([]);
  });
});

describe('supersede: an amendment', () => {
  // The IEP of 2026-04-30, amended on 2026-11-25; the student turns 16 on 2026-09-01.
  const original = variant(english, {
    decisionId: 'dec-orig',
    meetingDate: '2026-04-30',
    dateOfBirth: '2010-09-01',
  });
  const amendment = variant(original, {
    decisionId: 'dec-amend',
    meetingType: 'amendment',
    meetingDate: '2026-11-25',
    amendsMeetingDate: '2026-04-30',
  });

  it('keeps the annual review clock: the replacing entry has the same due date', () => {
    const result = supersede(applyAll(original), amendment);
    const review = (es: CalendarEntry[]) => es.find((e) => e.entry === 'annual-review')?.dueDate;
    expect(review(result.add)).toBe('2027-04-29');
    expect(review(result.cancel)).toBe('2027-04-29');
  });

  it('keeps what it does not recompute: the transition entry of the amended IEP stays pending', () => {
    const result = supersede(applyAll(original), amendment);
    expect(result.add.some((e) => e.entry === 'transition')).toBe(false);
    expect(states(result.entries)).toContain('dec-orig#v1#transition pending');
    expect(result.entries.filter((e) => e.status === 'pending').map((e) => e.entryId)).toEqual([
      'dec-orig#v1#transition',
      'dec-amend#v1#annual-review',
      'dec-amend#v1#reevaluation',
    ]);
  });

  it('moves the reevaluation when it records a later evaluation', () => {
    const reevaluated = variant(amendment, { lastEvaluationDate: '2026-10-01' });
    const result = supersede(applyAll(original), reevaluated);
    expect(result.add.find((e) => e.entry === 'reevaluation')?.dueDate).toBe('2029-09-30');
  });

  it('does not send again a reminder already sent for the amended IEP (same dedupe key)', () => {
    // Prepare: the case manager got the 60-day review reminder of the original on 2027-02-28
    const first = supersede([], original);
    const sentKeys = new Set(
      planReminders(original, first.add)
        .filter((r) => r.sendOn <= '2027-03-01')
        .map((r) => r.dedupeKey),
    );
    // Act
    const second = supersede(first.entries, amendment);
    const due = selectDueReminders(planReminders(amendment, second.add), '2027-03-01').send;
    // Assess: the sweep's claim on the dedupe key finds each of them already sent
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((r) => sentKeys.has(r.dedupeKey))).toBe(true);
  });
});

describe('supersede: withdrawal', () => {
  it('cancels the withdrawn version’s own entries and records why', () => {
    const result = supersede(applyAll(english), variant(english, { status: 'withdrawn' }));
    expect(result.outcome).toBe('withdrawn');
    expect(states(result.entries)).toEqual([
      'dec-2026-000101#v1#annual-review cancelled by dec-2026-000101#v1 withdrawn',
      'dec-2026-000101#v1#reevaluation cancelled by dec-2026-000101#v1 withdrawn',
    ]);
  });

  it('brings back the entries of the IEP it had superseded, and their overdue review shows', () => {
    // Prepare
    const existing = applyAll(english, nextYear);
    // Act
    const result = supersede(existing, variant(nextYear, { status: 'withdrawn' }));
    // Assess
    expect(result.reinstate.map((e) => e.entryId)).toEqual([
      'dec-2026-000101#v1#annual-review',
      'dec-2026-000101#v1#reevaluation',
    ]);
    expect(result.reinstate.every((e) => e.status === 'pending' && !e.cancelledBy)).toBe(true);
    expect(overdueReport(result.entries, '2027-11-20')).toEqual([
      { decisionId: 'dec-2026-000101', entry: 'reevaluation', dueDate: '2027-10-14' },
      { decisionId: 'dec-2026-000101', entry: 'annual-review', dueDate: '2027-11-19' },
    ]);
  });

  it('changes nothing when the withdrawal arrives twice', () => {
    const withdrawn = variant(nextYear, { status: 'withdrawn' });
    const once = applyAll(english, nextYear, withdrawn);
    const result = supersede(once, withdrawn);
    expect(result).toMatchObject({ add: [], cancel: [], reinstate: [] });
    expect(result.entries).toEqual(once);
  });

  it('does not cancel a later corrected version when an earlier version is withdrawn', () => {
    const v2 = variant(english, { version: 2 });
    const result = supersede(applyAll(english, v2), variant(english, { status: 'withdrawn' }));
    expect(result.cancel).toEqual([]);
    expect(result.entries.filter((e) => e.status === 'pending').every((e) => e.version === 2)).toBe(
      true,
    );
  });
});

describe('compareDecisions', () => {
  it('orders by meeting date, then version, and versions of one decision by version', () => {
    const ref = (decisionId: string, version: number, meetingDate: string) => ({
      decisionId,
      version,
      meetingDate,
    });
    expect(compareDecisions(ref('a', 1, '2026-01-01'), ref('b', 1, '2026-02-01'))).toBeLessThan(0);
    expect(compareDecisions(ref('a', 2, '2026-01-01'), ref('b', 1, '2026-01-01'))).toBeGreaterThan(
      0,
    );
    expect(compareDecisions(ref('a', 2, '2025-12-01'), ref('a', 1, '2026-01-01'))).toBeGreaterThan(
      0,
    );
  });
});

describe('overdue', () => {
  const [review, reevaluation] = deriveCalendarEntries(english) as [CalendarEntry, CalendarEntry];

  it('is not overdue on the due date, and is the day after', () => {
    expect(isOverdue(review, '2027-11-19', false)).toBe(false);
    expect(isOverdue(review, '2027-11-20', false)).toBe(true);
    expect(isOverdue(reevaluation, '2027-10-15', false)).toBe(true);
  });

  it('is not overdue when a newer decision exists, or once cancelled', () => {
    expect(isOverdue(review, '2027-12-01', true)).toBe(false);
    expect(isOverdue({ ...review, status: 'cancelled' }, '2027-12-01', false)).toBe(false);
  });

  it('never counts a transition or majority date as overdue', () => {
    for (const entry of deriveCalendarEntries(fixture('annual-transition-es')))
      if (entry.entry === 'transition') expect(isOverdue(entry, '2030-01-01', false)).toBe(false);
    for (const entry of deriveCalendarEntries(fixture('majority-ar')))
      if (entry.entry === 'majority') expect(isOverdue(entry, '2030-01-01', false)).toBe(false);
  });

  it('reports overdue entries only for the IEP in effect, whose reevaluation is still late', () => {
    // Prepare: entries of the old IEP left pending (not yet superseded) next to the new IEP's
    const entries = [...deriveCalendarEntries(english), ...deriveCalendarEntries(nextYear)];
    // Act
    const report = overdueReport(entries, '2027-11-20');
    // Assess: the new IEP met the annual review but recorded no new evaluation
    expect(report).toEqual([
      { decisionId: 'dec-2027-000201', entry: 'reevaluation', dueDate: '2027-10-14' },
    ]);
    expect(overdueReport(deriveCalendarEntries(english), '2027-11-20')).toEqual([
      { decisionId: 'dec-2026-000101', entry: 'reevaluation', dueDate: '2027-10-14' },
      { decisionId: 'dec-2026-000101', entry: 'annual-review', dueDate: '2027-11-19' },
    ]);
  });

  it('clears the reevaluation with a reevaluation meeting that records a new evaluation', () => {
    const reevaluated = variant(english, {
      decisionId: 'dec-2027-000150',
      meetingType: 'reevaluation',
      meetingDate: '2027-10-01',
      lastEvaluationDate: '2027-09-20',
    });
    const entries = applyAll(english, reevaluated);
    expect(overdueReport(entries, '2027-11-20')).toEqual([]);
  });

  it('plans one overdue alert to the case manager the day after each deadline', () => {
    const alerts = planReminders(english, [review, reevaluation]).filter(
      (r) => r.kind === 'overdue',
    );
    expect(alerts.map((r) => [r.entry, r.recipientId, r.sendOn])).toEqual([
      ['reevaluation', 'case-manager', '2027-10-15'],
      ['annual-review', 'case-manager', '2027-11-20'],
    ]);
  });
});
