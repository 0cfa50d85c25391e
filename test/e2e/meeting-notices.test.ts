/**
 * The meeting item through `npm start`, as a district would run it: a notice of meeting per
 * guardian language, delivered, the safeguards notice given with each guardian's first delivery
 * of the school year and recorded; a second run creates and gives nothing; a notice shorter
 * than the profile's minimum is flagged and listed in the overdue report until it is cancelled;
 * the cancellation sends a notice of cancellation; safeguards-event items give the notice on a
 * first state complaint (once a school year) and a disciplinary removal; `iep-docs safeguards`
 * lists the givings.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'iep-docs-meetings-'));
const inputs = join(work, 'meetings');
mkdirSync(inputs);
const env = { ...process.env, IEP_STATE_DIR: join(work, 'state') };

function run(
  bin: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'node',
      [join(ROOT, 'bin', bin), ...args],
      { env, maxBuffer: 1 << 24, timeout: 180_000 },
      (error, stdout, stderr) =>
        done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
const runtime = (...args: string[]) =>
  run('iep-local.mjs', [
    '--once',
    '--json',
    '--out',
    join(work, 'out'),
    '--decisions',
    join(inputs, '*.json'),
    ...args,
  ]);
const sample = (name: string) =>
  JSON.parse(readFileSync(join(ROOT, 'samples/meetings', `${name}.json`), 'utf8'));

type Delivery = {
  recipientId: string;
  channel: string;
  language: string;
  state: string;
  safeguards?: { event: string; language: string; schoolYear: string };
};
type Summary = {
  decisions: {
    decisionId: string;
    version: number;
    outcome: string;
    flags: { cfr: string }[];
    documents: {
      documentId: string;
      sha256: string;
      type: string;
      language: string;
      state: string;
    }[];
    notices: Delivery[];
  }[];
  lateNotices: { meetingId: string; revision: number; leadDays: number; minimumDays: number }[];
};

describe('meeting items in npm start', () => {
  it('sends a notice per guardian language with the safeguards notice once, then nothing new', async () => {
    // Prepare: the Spanish transition sample, and the English one rescheduled to 5 days after today.
    writeFileSync(
      join(inputs, 'transition-es.json'),
      JSON.stringify(sample('meeting-transition-es')),
    );
    writeFileSync(
      join(inputs, 'annual-en-short.json'),
      JSON.stringify({ ...sample('meeting-annual-en'), scheduledFor: '2027-01-15T15:30:00-08:00' }),
    );

    // Act
    const first = await runtime('--fresh', '--today', '2027-01-10');

    // Assess
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout) as Summary;
    const byId = Object.fromEntries(summary.decisions.map((d) => [d.decisionId, d]));
    const transition = byId['meeting-mtg-0002-annual-2027'];
    expect(transition?.outcome).toBe('documents-ready');
    expect(transition?.documents.map((d) => `${d.type}.${d.language}`).sort()).toEqual([
      'notice-of-meeting.en',
      'notice-of-meeting.es',
    ]);
    expect(transition?.notices.map((n) => [n.recipientId, n.channel, n.language, n.state])).toEqual(
      [
        ['G-1', 'email', 'es', 'sent'],
        ['G-2', 'postal', 'es', 'pending-mail'],
      ],
    );
    for (const n of transition?.notices ?? [])
      expect(n.safeguards).toMatchObject({
        event: 'annual',
        language: 'es',
        schoolYear: '2026-2027',
      });
    const short = byId['meeting-mtg-0001-annual-2027'];
    expect(short?.outcome).toBe('documents-ready');
    expect(short?.flags.map((f) => f.cfr)).toEqual(['300.322(a)(1)']);
    // The late notice is in the overdue report until the meeting (2027-01-15).
    expect(summary.lateNotices).toEqual([
      expect.objectContaining({
        meetingId: 'mtg-0001-annual-2027',
        revision: 1,
        leadDays: 5,
        minimumDays: 10,
      }),
    ]);

    const again = await runtime('--today', '2027-01-10');
    expect(again.code, again.stderr).toBe(0);
    const second = JSON.parse(again.stdout) as Summary;
    // The same stored PDFs (a re-render would differ: every signature does), the same deliveries.
    // (Their `state` compares times of the --today clock, which restarts at noon each run.)
    const stored = (s: Summary) =>
      s.decisions
        .flatMap((d) => d.documents.map((doc) => `${doc.documentId}:${doc.sha256}`))
        .sort();
    expect(stored(second)).toEqual(stored(summary));
    const sent = (s: Summary) =>
      s.decisions
        .flatMap((d) => d.notices.map((n) => `${n.recipientId}:${n.channel}:${n.state}`))
        .sort();
    expect(sent(second)).toEqual(sent(summary));

    const listed = await run('iep-docs.mjs', ['safeguards', '--student', 'S-100002', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const { givings } = JSON.parse(listed.stdout) as {
      givings: { recipientId: string; channel: string; version: string }[];
    };
    // Given once per guardian, however often the run repeats.
    expect(givings.map((g) => [g.recipientId, g.channel, g.version]).sort()).toEqual([
      ['G-1', 'email', 'sample-2026'],
      ['G-2', 'postal', 'sample-2026'],
    ]);

    // Act 3: the late meeting is cancelled (its next revision); a first and a second state
    // complaint of Diego's family in the same school year; Riley's removal, a change of placement.
    const cancelled = {
      ...sample('meeting-annual-en'),
      revision: 2,
      status: 'cancelled',
      cancellationReason: 'The team will meet after the reevaluation is complete.',
      scheduledFor: '2027-01-15T15:30:00-08:00',
    };
    writeFileSync(join(inputs, 'annual-en-cancelled.json'), JSON.stringify(cancelled));
    const event = (name: string, occurredOn: string) => ({
      ...JSON.parse(readFileSync(join(ROOT, 'samples/safeguards', `${name}.json`), 'utf8')),
      occurredOn,
    });
    writeFileSync(
      join(inputs, 'complaint-1.json'),
      JSON.stringify(event('state-complaint-1-es', '2027-01-05')),
    );
    writeFileSync(
      join(inputs, 'complaint-2.json'),
      JSON.stringify(event('state-complaint-2-es', '2027-01-08')),
    );
    writeFileSync(join(inputs, 'removal.json'), JSON.stringify(event('removal-en', '2027-01-10')));
    const third = await runtime('--today', '2027-01-11');

    // Assess 3
    expect(third.code, third.stderr).toBe(0);
    const after = JSON.parse(third.stdout) as Summary;
    const of = (id: string, version = 1) =>
      after.decisions.find((d) => d.decisionId === id && d.version === version);
    const cancellation = of('meeting-mtg-0001-annual-2027', 2);
    expect(cancellation?.outcome).toBe('documents-ready');
    expect(cancellation?.documents.map((d) => `${d.type}.${d.language}`)).toEqual([
      'meeting-cancellation.en',
    ]);
    expect(cancellation?.notices.map((n) => `${n.recipientId}:${n.state}`)).toEqual([
      'G-1:sent',
      'G-2:sent',
    ]);
    expect(after.lateNotices).toEqual([]);
    const given = (id: string) =>
      of(id)?.notices.map((n) => `${n.recipientId}:${n.language}:${n.safeguards?.event}`);
    expect(given('meeting-evt-0002-complaint-1')).toEqual([
      'G-1:es:state-complaint',
      'G-2:es:state-complaint',
    ]);
    // 300.504(a)(2): the first state complaint in a school year only.
    expect(of('meeting-evt-0002-complaint-2')?.notices).toEqual([]);
    // Given the day after the decision to remove: it goes, flagged (300.530(h): the same day).
    expect(of('meeting-evt-0001-removal-1')?.flags.map((f) => f.cfr)).toEqual(['300.530(h)']);
    expect(given('meeting-evt-0001-removal-1')).toEqual([
      'G-1:en:disciplinary-removal',
      'G-2:en:disciplinary-removal',
    ]);
    const relisted = await run('iep-docs.mjs', ['safeguards', '--student', 'S-100002', '--json']);
    const events = (JSON.parse(relisted.stdout) as { givings: { event: string }[] }).givings.map(
      (g) => g.event,
    );
    expect(events.sort()).toEqual(['annual', 'annual', 'state-complaint', 'state-complaint']);
  }, 900_000);
});
