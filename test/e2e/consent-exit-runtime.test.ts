/**
 * The acceptance of consent and exit on the one-machine runtime: an initial IEP offered while
 * consent is pending (documents marked as the offer, a consent form delivered, no calendar),
 * its next version with consent given (the calendar appears), a revocation (the notice of
 * ending services, entries cancelled); a graduation (notice and Summary of Performance
 * delivered, nothing sent for the student after the exit date); a move (no document, the
 * outcome `calendar-closed`, nothing sent or overdue after the exit date).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../bin/iep-local.mjs', import.meta.url).pathname;
const SAMPLES = new URL('../../samples/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'iep-docs-consent-'));

interface Summary {
  decisions: {
    decisionId: string;
    version: number;
    outcome: string;
    reason?: string;
    translationPending?: string[];
    documents: { type: string; language: string }[];
    deliveries: { recipientId: string; state: string }[];
  }[];
  reminders: { decisionId: string; entry: string; recipientId: string; state: string }[];
  overdue: { decisionId: string }[];
}

/** One run of the runtime over `samples` (paths under samples/), as of `today`. */
function run(name: string, today: string, samples: string[], fresh = false): Promise<Summary> {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const s of samples) copyFileSync(join(SAMPLES, s), join(dir, s.replace('/', '-')));
  const args = [BIN, '--once', '--json', '--today', today, '--out', join(work, 'out')];
  args.push('--decisions', join(dir, '*.json'), ...(fresh ? ['--fresh'] : []));
  return new Promise((done, fail) => {
    execFile(
      'node',
      args,
      { env: { ...process.env, IEP_STATE_DIR: join(work, 'state') }, maxBuffer: 1 << 24 },
      (error, stdout, stderr) => (error ? fail(new Error(stderr)) : done(JSON.parse(stdout))),
    );
  });
}

const types = (s: Summary, id: string, version: number) =>
  s.decisions
    .find((d) => d.decisionId === id && d.version === version)
    ?.documents.map((d) => `${d.type}.${d.language}`);
const sentFor = (s: Summary, id: string) =>
  s.reminders.filter((r) => r.decisionId === id && r.state === 'sent');

describe('consent and exit on the runtime', () => {
  it('offers, then schedules on consent, ends on revocation; sends nothing after a graduation', async () => {
    // Act 1: the offer (consent pending), and Omar's IEP before his graduation.
    const offer = await run(
      'offer',
      '2027-10-25',
      [
        'consent/initial-pending-en.json',
        'exit/iep-before-graduation-ar.json',
        'decisions/annual-grade4-en.json',
      ],
      true,
    );
    // Assess 1
    expect(types(offer, 'sample-0101', 1)).toEqual([
      'iep.en',
      'prior-written-notice.en',
      'consent-form.en',
    ]);
    const offered = offer.decisions.find((d) => d.decisionId === 'sample-0101');
    expect(offered?.deliveries.map((d) => d.state)).toEqual(['sent', 'sent']);
    expect(sentFor(offer, 'sample-0101')).toEqual([]);

    // Act 2: consent given; Omar graduates (exit 2027-06-12, before this run's day); Riley
    // (sample-0001) moved away on 2027-10-01.
    const given = await run('given', '2027-10-25', [
      'consent/initial-given-en.json',
      'exit/graduation-ar.json',
      'exit/moved-en.json',
    ]);
    // Assess 2
    expect(types(given, 'sample-0101', 2)).toEqual(['iep.en', 'prior-written-notice.en']);
    expect(sentFor(given, 'sample-0101').map((r) => `${r.entry}/${r.recipientId}`)).toContain(
      'annual-review/G-1',
    );
    // The team's text has no Arabic translation yet: the Arabic documents wait for it (issue
    // #17), the English ones go out with a letter in Arabic saying so (300.503(c)).
    expect(types(given, 'sample-0201', 2)).toEqual([
      'prior-written-notice.en',
      'summary-of-performance.en',
    ]);
    const graduated = given.decisions.find((d) => d.decisionId === 'sample-0201');
    expect(graduated?.translationPending).toEqual(['ar']);
    // To the parent, and to Omar himself (his contact is recorded: 300.520).
    expect(graduated?.deliveries.map((d) => `${d.recipientId}:${d.state}`)).toEqual([
      'G-1:sent',
      'student:sent',
    ]);
    expect(sentFor(given, 'sample-0201')).toEqual([]);
    // A move requires no document (300.102(a)(3), 300.305(e)(2) name graduation and aging out).
    const moved = given.decisions.find((d) => d.decisionId === 'sample-0001' && d.version === 2);
    expect(moved).toMatchObject({ outcome: 'calendar-closed', documents: [], deliveries: [] });
    expect(moved?.reason).toMatch(/^exit \(moved\) on 2027-10-01: the calendar ends/);

    // Act 3: consent revoked; a month later.
    const revoked = await run('revoked', '2027-11-25', ['consent/initial-revoked-en.json']);
    // Assess 3
    expect(types(revoked, 'sample-0101', 3)).toEqual(['prior-written-notice.en']);
    expect(
      revoked.reminders.filter((r) => r.decisionId === 'sample-0101' && r.state === 'pending'),
    ).toEqual([]);
    expect(sentFor(revoked, 'sample-0101')).toEqual([]);
    expect(sentFor(revoked, 'sample-0201')).toEqual([]);
    // Riley's annual review (due 2027-11-19) would have sent notices and be overdue by now.
    expect(sentFor(revoked, 'sample-0001')).toEqual([]);
    expect(revoked.reminders.filter((r) => r.decisionId === 'sample-0001')).toEqual([]);
    expect(revoked.overdue).toEqual([]);
  }, 600_000);
});
