import { afterEach, describe, expect, it } from 'vitest';
import { type CalendarFixture, calendarFixture } from './calendar-support.ts';

const fixtures: CalendarFixture[] = [];
async function fixture() {
  const f = await calendarFixture();
  fixtures.push(f);
  return f;
}
afterEach(() => {
  for (const f of fixtures.splice(0)) f.env.clients.destroy();
});

describe('scheduling the calendar', () => {
  it('records the entries and pending reminders of a finalized decision, found by send date', async () => {
    // Prepare
    const f = await fixture();
    const decision = f.decision();

    // Act
    const result = await f.finalize(decision);

    // Assess
    expect(result.outcome).toBe('applied');
    expect(result.added.map((e) => [e.entry, e.dueDate])).toEqual([
      ['annual-review', '2027-11-19'],
      ['reevaluation', '2027-10-14'],
    ]);
    const due = await f.services.store.pendingOn('example-usd', '2027-10-20');
    expect(due.map((r) => `${r.entry}/${r.recipientId}/${r.offsetDays}`).sort()).toEqual([
      'annual-review/G-1/30',
      'annual-review/G-2/30',
      'annual-review/case-manager/30',
    ]);
    expect(await f.services.store.oldestPending('example-usd')).toBe('2027-07-16');
  });

  it('keeps the student id out of every stored item', async () => {
    // Prepare
    const f = await fixture();
    const decision = f.decision();

    // Act
    await f.finalize(decision);

    // Assess
    const { Items = [] } = await f.env.clients.documents.scan({
      TableName: f.env.names.tables.calendar,
    });
    expect(Items.length).toBeGreaterThan(10);
    expect(JSON.stringify(Items)).not.toContain(decision.student.studentId);
    expect(
      Items.filter((i) => i.studentKey).every((i) => /^stu_[0-9a-f]{32}$/.test(i.studentKey)),
    ).toBe(true);
  });

  it('plans nothing twice when the same version is scheduled again', async () => {
    // Prepare
    const f = await fixture();
    const decision = f.decision();
    const first = await f.finalize(decision);

    // Act
    const again = await f.services.schedule.scheduleCalendar(decision);

    // Assess
    expect(first.planned.length).toBe(11);
    expect(again.outcome).toBe('already-applied');
    expect(again.planned).toEqual([]);
    expect(await f.services.store.pendingOn('example-usd', '2027-10-20')).toHaveLength(3);
  });

  it('cancels the older entries and their reminders when a newer annual decision arrives', async () => {
    // Prepare
    const f = await fixture();
    const older = f.decision();
    await f.finalize(older);
    const newer = f.decision({ decisionId: `${older.decisionId}-next`, meetingDate: '2027-05-03' });

    // Act
    const result = await f.finalize(newer);

    // Assess
    expect(result.outcome).toBe('applied');
    expect(
      result.cancelled.map((e) => [e.decisionId, e.entry, e.cancelledBy?.reason]).sort(),
    ).toEqual([
      [older.decisionId, 'annual-review', 'superseded'],
      [older.decisionId, 'reevaluation', 'superseded'],
    ]);
    expect(result.cancelledReminders).toHaveLength(11);
    expect(result.cancelledReminders.every((r) => r.state === 'cancelled')).toBe(true);
    expect(result.cancelledReminders).toContainEqual({
      decisionId: older.decisionId,
      entry: 'annual-review',
      recipientId: 'G-1',
      dueDate: '2027-11-19',
      sendOn: '2027-10-20',
      state: 'cancelled',
    });
    expect(await f.services.store.pendingOn('example-usd', '2027-10-20')).toEqual([]);
    const kept = await f.services.store.getEntry(`${older.decisionId}#v1#annual-review`);
    expect(kept?.status).toBe('cancelled');
  });

  it('cancels a withdrawn version and brings back the entries it had superseded', async () => {
    // Prepare
    const f = await fixture();
    const older = f.decision();
    await f.finalize(older);
    const newer = f.decision({ decisionId: `${older.decisionId}-next`, meetingDate: '2027-05-03' });
    await f.finalize(newer);

    // Act
    const result = await f.services.schedule.cancelForWithdrawal(newer.decisionId, 1);

    // Assess
    expect(result.outcome).toBe('withdrawn');
    expect(result.cancelled.map((e) => [e.decisionId, e.cancelledBy?.reason])).toEqual([
      [newer.decisionId, 'withdrawn'],
      [newer.decisionId, 'withdrawn'],
    ]);
    expect(result.reinstated.map((e) => e.entryId).sort()).toEqual([
      `${older.decisionId}#v1#annual-review`,
      `${older.decisionId}#v1#reevaluation`,
    ]);
    const due = await f.services.store.pendingOn('example-usd', '2027-10-20');
    expect(due.map((r) => r.decisionId)).toEqual([
      older.decisionId,
      older.decisionId,
      older.decisionId,
    ]);
  });

  it('cancels every entry of a withdrawn decision that superseded nothing', async () => {
    // Prepare
    const f = await fixture();
    const decision = f.decision();
    await f.finalize(decision);

    // Act
    const result = await f.services.schedule.cancelForWithdrawal(decision.decisionId, 2);
    const again = await f.services.schedule.cancelForWithdrawal(decision.decisionId, 2);

    // Assess
    expect(result.cancelled).toHaveLength(2);
    expect(result.cancelledReminders).toHaveLength(11);
    expect(again.cancelled).toEqual([]);
    expect(await f.services.store.pendingOn('example-usd', '2027-10-20')).toEqual([]);
  });

  it('does nothing for a withdrawal of a decision it never scheduled', async () => {
    // Prepare
    const f = await fixture();

    // Act
    const result = await f.services.schedule.cancelForWithdrawal('dec-unknown', 3);

    // Assess
    expect(result).toMatchObject({ cancelled: [], reinstated: [], cancelledReminders: [] });
  });
});
