/**
 * The calendar over DynamoDB Local when consent is pending, then given, then revoked
 * (300.300(b)), and after a student's exit (300.102(a)(3)): what is stored, what the sweep sends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Decision } from '../../functions/core/decision.ts';
import { type CalendarFixture, calendarFixture } from './calendar-support.ts';

const fixtures: CalendarFixture[] = [];
async function fixture(options: { at?: string } = {}) {
  const f = await calendarFixture(options);
  fixtures.push(f);
  return f;
}
afterEach(() => {
  for (const f of fixtures.splice(0)) f.env.clients.destroy();
});

/** The fixture's decision as version 2 with `extra` (consent, exit) recorded. */
function withV2(d: Decision, extra: Partial<Decision>): Decision {
  return { ...structuredClone(d), schemaVersion: 2, ...extra };
}

describe('the calendar and consent', () => {
  it('starts when consent is given, not while it is pending, and stops on revocation', async () => {
    // Prepare
    const f = await fixture();
    const base = f.decision({ meetingType: 'initial' });
    const pending = withV2(base, { consent: { status: 'pending', declined: [] } });
    const given = withV2(base, {
      version: 2,
      consent: { status: 'given', date: '2026-11-20', declined: [] },
    });
    const revoked = withV2(base, {
      version: 3,
      consent: { status: 'given', date: '2026-11-20', declined: [], revokedOn: '2027-02-10' },
    });

    // Act
    const whilePending = await f.finalize(pending);
    const onceGiven = await f.finalize(given);
    const onRevocation = await f.finalize(revoked);

    // Assess
    expect(whilePending.added).toEqual([]);
    expect(whilePending.planned).toEqual([]);
    expect(onceGiven.added.map((e) => e.entry)).toEqual(['annual-review', 'reevaluation']);
    expect(onceGiven.planned.length).toBeGreaterThan(0);
    expect(onRevocation.cancelled.map((e) => [e.entry, e.cancelledBy?.reason]).sort()).toEqual([
      ['annual-review', 'consent-revoked'],
      ['reevaluation', 'consent-revoked'],
    ]);
    expect(onRevocation.cancelledReminders.length).toBe(onceGiven.planned.length);
    expect(await f.services.store.pendingOn('example-usd', '2027-10-20')).toEqual([]);
    const result = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-11-30',
    });
    expect(result.reminders.filter((r) => r.state === 'sent')).toEqual([]);
    expect(result.overdue).toEqual([]);
  });
});

describe('the calendar and an exit', () => {
  it('sends nothing after the exit date, and the student leaves the overdue report', async () => {
    // Prepare: the review (due 2027-11-19) falls after the exit; the reevaluation (due
    // 2027-10-14) before it, missed.
    const f = await fixture({ at: '2027-10-26T13:00:00Z' });
    const exiting = withV2(f.decision(), { exit: { reason: 'moved', date: '2027-10-25' } });

    // Act
    const scheduled = await f.finalize(exiting);
    const overdueBefore = await f.services.sweep.overdueOn('example-usd', '2027-10-25');
    const result = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-26',
    });

    // Assess
    const review = scheduled.added.find((e) => e.entry === 'annual-review');
    expect(review?.status).toBe('cancelled');
    expect(review?.cancelledBy?.reason).toBe('exited');
    expect(overdueBefore.map((o) => o.entry)).toEqual(['reevaluation']);
    expect(result.reminders.filter((r) => r.state === 'sent')).toEqual([]);
    expect(result.reminders.some((r) => r.state === 'cancelled')).toBe(true);
    expect(result.overdue).toEqual([]);
    expect(f.queue.jobs).toEqual([]);
    expect(await f.emails()).toEqual([]);
  });
});
