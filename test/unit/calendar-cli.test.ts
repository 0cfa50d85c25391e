import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import {
  type CalendarJson,
  calendarCommand,
  overdueCommand,
} from '../../functions/cli/calendar.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/decisions/', import.meta.url));
const file = (name: string) => join(FIXTURES, `${name}.json`);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) },
  };
}

describe('iep-docs calendar', () => {
  it('prints the annual review due 2027-11-19 and the reevaluation due 2027-10-14 as JSON', async () => {
    // Prepare
    const c = capture();

    // Act
    const code = await calendarCommand([file('annual-elementary-en')], { json: true }, c.io);

    // Assess
    expect(code).toBe(0);
    const doc = JSON.parse(c.out.join('\n')) as CalendarJson;
    const [decision] = doc.decisions;
    expect(decision?.entries.map((e) => [e.entry, e.dueDate])).toEqual([
      ['annual-review', '2027-11-19'],
      ['reevaluation', '2027-10-14'],
    ]);
    const parents = decision?.entries[0]?.reminders.filter((r) => r.audience === 'parent');
    expect(parents).toEqual([
      {
        recipientId: 'G-1',
        audience: 'parent',
        sendOn: '2027-10-20',
        offsetDays: 30,
        kind: 'reminder',
      },
      {
        recipientId: 'G-2',
        audience: 'parent',
        sendOn: '2027-10-20',
        offsetDays: 30,
        kind: 'reminder',
      },
    ]);
    expect(decision?.entries[1]?.reminders.at(-1)).toEqual({
      recipientId: 'case-manager',
      audience: 'case-manager',
      sendOn: '2027-10-15',
      offsetDays: -1,
      kind: 'overdue',
    });
  });

  it('keeps the annual review of an amendment due on 2027-04-29', async () => {
    // Prepare
    const c = capture();

    // Act
    await calendarCommand([file('amendment-vi')], { json: true }, c.io);

    // Assess
    const doc = JSON.parse(c.out.join('\n')) as CalendarJson;
    expect(doc.decisions[0]?.entries[0]).toMatchObject({
      entry: 'annual-review',
      dueDate: '2027-04-29',
    });
  });

  it('prints a readable table, one line per entry and per reminder', async () => {
    // Prepare
    const c = capture();

    // Act
    const code = await calendarCommand([file('majority-ar')], { json: false }, c.io);

    // Assess
    expect(code).toBe(0);
    expect(c.out[0]).toMatch(
      /majority-ar\.json: dec-2026-000105 v1 \(finalized, annual meeting 2026-11-18\)$/,
    );
    expect(c.out).toContain(
      '  majority       2027-06-15  34 CFR 300.320(c), 300.520  (notice from 2026-06-15, age 18)',
    );
    expect(c.out.filter((l) => l.includes('student'))).toContain(
      '      2027-03-17  student        student       90 days before',
    );
  });

  it('reports a file that is not JSON like validate, and exits 2', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'iep-cal-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{');
    const c = capture();

    // Act
    const code = await calendarCommand([bad, file('annual-elementary-en')], { json: true }, c.io);

    // Assess
    expect(code).toBe(2);
    expect(c.err).toHaveLength(1);
    expect(c.err[0]).toMatch(
      new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\(file\\): not valid JSON: `),
    );
    expect((JSON.parse(c.out.join('\n')) as CalendarJson).decisions).toHaveLength(1);
  });

  it('reports each schema problem of a decision and exits 2', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'iep-cal-'));
    const bad = join(dir, 'decision.json');
    writeFileSync(bad, JSON.stringify({ schemaVersion: 1, decisionId: 'd-1' }));
    const c = capture();

    // Act
    const code = await calendarCommand([bad], { json: false }, c.io);

    // Assess
    expect(code).toBe(2);
    expect(c.err).toContain(`${bad}: version: required`);
  });

  it('reports a decision of a district without a profile when given the profiles', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'iep-cal-'));
    const other = join(dir, 'other.json');
    const raw = JSON.parse(readFileSync(file('annual-elementary-en'), 'utf8'));
    writeFileSync(other, JSON.stringify({ ...raw, districtId: 'other-usd' }));
    const c = capture();

    // Act
    const code = await calendarCommand(
      [other],
      { json: false, districts: loadDistrictDirectory() },
      c.io,
    );

    // Assess
    expect(code).toBe(2);
    expect(c.err[0]).toMatch(/districtId: no district profile for "other-usd"/);
  });

  it('exits 3 when a file cannot be read', async () => {
    // Prepare
    const c = capture();

    // Act
    const code = await calendarCommand(['/no/such/decision.json'], { json: false }, c.io);

    // Assess
    expect(code).toBe(3);
    expect(c.err).toEqual(['/no/such/decision.json: cannot read: ENOENT']);
  });
});

describe('iep-docs overdue', () => {
  it('prints the overdue report as JSON', () => {
    // Prepare
    const c = capture();
    const overdue = [
      { decisionId: 'dec-1', entry: 'reevaluation' as const, dueDate: '2027-10-14' },
    ];

    // Act
    const code = overdueCommand({ today: '2027-10-20', overdue }, { json: true }, c.io);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(c.out.join('\n'))).toEqual({ today: '2027-10-20', overdue, lateNotices: [] });
  });

  it('lists a late meeting notice after the overdue deadlines (300.322(a)(1))', () => {
    // Prepare
    const c = capture();
    const late = {
      meetingId: 'mtg-1',
      revision: 1,
      meetingDate: '2027-10-25',
      issuedOn: '2027-10-20',
      leadDays: 5,
      minimumDays: 10,
      cfr: '300.322(a)(1)' as const,
    };

    // Act
    overdueCommand(
      { today: '2027-10-20', overdue: [], lateNotices: [late] },
      { json: false },
      c.io,
    );

    // Assess
    expect(c.out).toEqual([
      'overdue on 2027-10-20:',
      '  2027-10-25  late notice    meeting mtg-1 r1: issued 2027-10-20, 5 day(s) before (minimum 10, 300.322(a)(1))',
    ]);
  });

  it('says when nothing is overdue', () => {
    // Prepare
    const c = capture();

    // Act
    overdueCommand({ today: '2027-10-20', overdue: [] }, { json: false }, c.io);

    // Assess
    expect(c.out).toEqual(['nothing overdue on 2027-10-20']);
  });

  it('lists overdue entries one per line', () => {
    // Prepare
    const c = capture();

    // Act
    overdueCommand(
      {
        today: '2027-10-20',
        overdue: [{ decisionId: 'dec-1', entry: 'reevaluation', dueDate: '2027-10-14' }],
      },
      { json: false },
      c.io,
    );

    // Assess
    expect(c.out).toEqual(['overdue on 2027-10-20:', '  2027-10-14  reevaluation   dec-1']);
  });
});
