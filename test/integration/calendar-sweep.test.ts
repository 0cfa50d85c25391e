import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DynamoDocumentRecords } from '../../functions/adapters/dynamo-document-records.ts';
import { S3DocumentStore } from '../../functions/adapters/s3-document-store.ts';
import { makeReviewSweepHandler } from '../../functions/handlers/review-sweep.ts';
import type { StaffNotifier } from '../../functions/pipeline/calendar-ports.ts';
import type { SweepResult } from '../../functions/pipeline/calendar-sweep.ts';
import type { DeliveryQueue } from '../../functions/pipeline/ports.ts';
import type { DocumentEngine } from '../../functions/render/engine.ts';
import { type Locale, loadLocales } from '../../functions/render/locales.ts';
import { NoticeRenderer } from '../../functions/render/notice.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { testEngine } from '../fixtures/engine.ts';
import { fixture as calendarFixtureDecision, variant } from '../unit/calendar-support.ts';
import { type CalendarFixture, calendarFixture, quiet } from './calendar-support.ts';

let engine: DocumentEngine;
let printer: PdfPrinter;
beforeAll(async () => {
  ({ engine, printer } = await testEngine());
});
afterAll(async () => {
  await printer.close();
});

const fixture2027 = () => calendarFixtureDecision('annual-elementary-en');

const fixtures: CalendarFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.env.clients.destroy();
});

async function fixture(options: Parameters<typeof calendarFixture>[0] = {}) {
  const f = await calendarFixture({
    notices: new NoticeRenderer({ printer, signer: engine.signer, clock: () => new Date() }),
    ...options,
  });
  fixtures.push(f);
  return f;
}

const lines = (result: SweepResult, state?: string) =>
  result.reminders
    .filter((r) => state === undefined || r.state === state)
    .map((r) => `${r.entry}/${r.recipientId}/${r.sendOn}`)
    .sort();

/** Throws once, after (or before) the real call: a sweep that stops at that point. */
function crashOnce<T extends object>(inner: T, method: keyof T, after: boolean): T {
  let crashed = false;
  return new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop !== method || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (crashed) return value.apply(target, args);
        crashed = true;
        if (after) await value.apply(target, args);
        throw new Error('simulated crash');
      };
    },
  });
}

describe('the annual-review notice', () => {
  it('says when the review is due, that the school will propose a meeting time, and whom to contact', () => {
    // Prepare
    const notices = new NoticeRenderer({ printer, signer: engine.signer, clock: () => new Date() });
    const district = loadDistrictDirectory().get('example-usd');
    const decision = fixture2027();

    // Act
    const job = notices.compose({
      decision,
      district,
      locale: loadLocales().get('en') as Locale,
      type: 'annual-review-notice',
      dueDate: '2027-11-19',
    });

    // Assess
    expect(job.html).toContain('Notice: Annual IEP Review Due');
    expect(job.html).toContain('The annual review is due by November 19, 2027.');
    expect(job.html).toContain('The school will contact you to propose a meeting time.');
    expect(job.html).toContain(district.phone);
    expect(job.html).toContain(`${decision.student.firstName} ${decision.student.lastName}`);
  });
});

describe('the daily sweep', () => {
  it('sends the latest due reminder of each entry and recipient, signed notices to the parents', async () => {
    // Prepare
    const f = await fixture({ at: '2027-10-20T13:00:00Z' });
    const decision = f.decision();
    await f.finalize(decision);

    // Act
    const result = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Assess
    expect(lines(result, 'sent')).toEqual([
      'annual-review/G-1/2027-10-20',
      'annual-review/G-2/2027-10-20',
      'annual-review/case-manager/2027-10-20',
      'reevaluation/case-manager/2027-10-15',
    ]);
    expect(lines(result, 'skipped-stale')).toEqual([
      'annual-review/case-manager/2027-09-20',
      'reevaluation/case-manager/2027-07-16',
      'reevaluation/case-manager/2027-08-15',
      'reevaluation/case-manager/2027-09-14',
    ]);
    expect(result.overdue).toEqual([
      { decisionId: decision.decisionId, entry: 'reevaluation', dueDate: '2027-10-14' },
    ]);
    expect(f.queue.jobs.map((j) => [j.kind, j.recipientIds])).toEqual([
      ['reminder-notice', ['G-1']],
      ['reminder-notice', ['G-2']],
    ]);
    const records = new DynamoDocumentRecords(
      f.env.clients.documents,
      f.env.names.tables.documents,
    );
    const [documentId] = f.queue.jobs[0]?.documentIds ?? [];
    const notice = await records.get(String(documentId));
    expect(notice).toMatchObject({ type: 'annual-review-notice', language: 'en', signed: true });
    const store = new S3DocumentStore(f.env.clients.s3, f.env.names.buckets.documents);
    expect(verifyPdf(await store.get(String(notice?.s3Key))).intact).toBe(true);
    const emails = await f.emails();
    expect(emails.map((e) => e.subject).sort()).toEqual([
      `[Example Unified School District] OVERDUE: Reevaluation was due 2027-10-14 (decision ${decision.decisionId} v1)`,
      `[Example Unified School District] Reminder: Annual IEP review due by 2027-11-19 (decision ${decision.decisionId} v1)`,
    ]);
    for (const email of emails) {
      expect(`${email.subject} ${email.body.text}`).not.toContain(decision.student.lastName);
      expect(`${email.subject} ${email.body.text}`).not.toContain(decision.student.studentId);
    }
  });

  it('sends nothing new when it runs twice on one day, and reports the first run as already sent', async () => {
    // Prepare
    const f = await fixture({ at: '2027-10-20T13:00:00Z' });
    await f.finalize(f.decision());
    const first = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Act
    f.clock.advanceMinutes(60);
    const second = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Assess
    expect(lines(second, 'already-sent')).toEqual(lines(first, 'sent'));
    expect(lines(second, 'skipped-stale')).toEqual(lines(first, 'skipped-stale'));
    expect(lines(second, 'sent')).toEqual([]);
    expect(f.queue.jobs).toHaveLength(2);
    expect(await f.emails()).toHaveLength(2);
  });

  it('sends each reminder once when two sweeps run at the same moment', async () => {
    // Prepare
    const f = await fixture({ at: '2027-10-20T13:00:00Z' });
    await f.finalize(f.decision());

    // Act
    const [a, b] = await Promise.all([
      f.services.sweep.runSweep({ districtId: 'example-usd', today: '2027-10-20' }),
      f.services.sweep.runSweep({ districtId: 'example-usd', today: '2027-10-20' }),
    ]);

    // Assess
    expect(f.queue.jobs).toHaveLength(2);
    expect(await f.emails()).toHaveLength(2);
    const sentByEither = [...lines(a, 'sent'), ...lines(b, 'sent')];
    expect(new Set(sentByEither).size).toBe(sentByEither.length);
  });

  it('sends no earlier offset late when a second sweep reads the index after the first sent a later one', async () => {
    // Prepare: sweep B has read the older days; it reads October 15 onwards only once A is done.
    const f = await fixture({ at: '2027-10-20T13:00:00Z' });
    await f.finalize(f.decision());
    let aDone: () => void = () => {};
    const aFinished = new Promise<void>((resolve) => {
      aDone = resolve;
    });
    let bReadOldDays: () => void = () => {};
    const bReady = new Promise<void>((resolve) => {
      bReadOldDays = resolve;
    });
    const b = f.sweepWith(
      (store) =>
        new Proxy(store, {
          get(target, prop, receiver) {
            if (prop !== 'pendingOn') return Reflect.get(target, prop, receiver);
            return async (districtId: string, day: string) => {
              if (day >= '2027-10-15') {
                bReadOldDays();
                await aFinished;
              }
              return target.pendingOn(districtId, day);
            };
          },
        }),
    );

    // Act
    const bRun = b.runSweep({ districtId: 'example-usd', today: '2027-10-20' });
    await bReady;
    const a = await f.services.sweep.runSweep({ districtId: 'example-usd', today: '2027-10-20' });
    aDone();
    const bResult = await bRun;

    // Assess
    expect(lines(a, 'sent')).toHaveLength(4);
    expect(lines(bResult, 'sent')).toEqual([]);
    expect(await f.emails()).toHaveLength(2);
    expect(f.queue.jobs).toHaveLength(2);
  });

  it('loses nothing and duplicates nothing when sending a notice fails after the queue took it', async () => {
    // Prepare: the queue accepts the first job, then the send fails before it is recorded.
    const f = await fixture({
      at: '2027-10-20T13:00:00Z',
      wrapQueue: (inner) => crashOnce<DeliveryQueue>(inner, 'enqueue', true),
    });
    await f.finalize(f.decision());
    const failed = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Act: the scheduler's retry, minutes later.
    f.clock.advanceMinutes(2);
    const retry = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Assess
    expect(failed.failed).toHaveLength(1);
    expect(lines(failed, 'sent')).not.toContain('annual-review/G-1/2027-10-20');
    expect(lines(retry, 'sent')).toEqual(['annual-review/G-1/2027-10-20']);
    expect(retry.failed).toEqual([]);
    // The job was handed over twice under one id and content: the delivery side keys its
    // deliveries on them, so the guardian gets one notice.
    const g1 = f.queue.jobs.filter((j) => j.recipientIds?.includes('G-1'));
    expect(g1).toHaveLength(2);
    expect(g1[1]).toEqual(g1[0]);
    expect(f.queue.distinct).toHaveLength(2);
    expect(await f.emails()).toHaveLength(2);
  });

  it('takes over the claim of a sweep that died mid-send only once the lease has passed', async () => {
    // Prepare: a sweep claimed the G-1 notice and died before sending or recording it.
    const f = await fixture({ at: '2027-10-20T13:00:00Z' });
    await f.finalize(f.decision());
    const due = await f.services.store.pendingOn('example-usd', '2027-10-20');
    const g1 = due.find((r) => r.recipientId === 'G-1');
    await f.services.store.claim({
      dedupeKey: String(g1?.dedupeKey),
      reminderId: String(g1?.reminderId),
      state: 'sending',
      claimedAt: f.clock.now().toISOString(),
    });

    // Act
    f.clock.advanceMinutes(5);
    const during = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });
    const markerDuring = await f.services.store.oldestPending('example-usd');
    f.clock.advanceMinutes(11);
    const after = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Assess
    expect(lines(during, 'sent')).not.toContain('annual-review/G-1/2027-10-20');
    expect(markerDuring).toBe('2027-10-20');
    expect(lines(after, 'sent')).toEqual(['annual-review/G-1/2027-10-20']);
    expect(f.queue.jobs.filter((j) => j.recipientIds?.includes('G-1'))).toHaveLength(1);
    expect(await f.services.store.oldestPending('example-usd')).toBe('2027-10-21');
  });

  it('sends a case-manager reminder whose send failed on the retry, once', async () => {
    // Prepare: SES never got the email: the send failed before it.
    const f = await fixture({
      at: '2027-10-20T13:00:00Z',
      wrapStaff: (inner) => crashOnce<StaffNotifier>(inner, 'notifyCaseManager', false),
    });
    await f.finalize(f.decision());
    const crashed = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Act
    f.clock.advanceMinutes(2);
    const later = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Assess
    expect(crashed.failed).toHaveLength(1);
    expect(await f.emails()).toHaveLength(2);
    expect(lines(later, 'sent')).toHaveLength(1);
    expect(lines(later, 'already-sent')).toHaveLength(3);
  });

  it('catches up after a gap of weeks with the latest offset only, recording the rest skipped-stale', async () => {
    // Prepare
    const f = await fixture({ at: '2027-09-20T13:00:00Z' });
    const decision = f.decision();
    await f.finalize(decision);
    const september = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-09-20',
    });

    // Act: no run between September 21 and November 13.
    f.clock.set('2027-11-13T14:00:00Z');
    const result = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-11-13',
    });

    // Assess
    expect(lines(september, 'sent')).toEqual([
      'annual-review/case-manager/2027-09-20',
      'reevaluation/case-manager/2027-09-14',
    ]);
    expect(lines(result, 'sent')).toEqual([
      'annual-review/G-1/2027-10-20',
      'annual-review/G-2/2027-10-20',
      'annual-review/case-manager/2027-11-12',
      'reevaluation/case-manager/2027-10-15',
    ]);
    expect(lines(result, 'skipped-stale')).toEqual([
      'annual-review/case-manager/2027-10-20',
      'annual-review/case-manager/2027-11-05',
    ]);
    expect(await f.services.store.oldestPending('example-usd')).toBe('2027-11-14');
    expect(await f.emails()).toHaveLength(4);
  });

  it('does not send a notice planned again by a corrected version with the same due date', async () => {
    // Prepare
    const f = await fixture({ at: '2027-10-20T13:00:00Z' });
    const v1 = f.decision();
    await f.finalize(v1);
    await f.services.sweep.runSweep({ districtId: 'example-usd', today: '2027-10-20' });
    await f.finalize(f.decision({ version: 2 }));

    // Act
    f.clock.set('2027-10-21T13:00:00Z');
    const result = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-21',
    });

    // Assess
    expect(lines(result, 'already-sent')).toEqual([
      'annual-review/G-1/2027-10-20',
      'annual-review/G-2/2027-10-20',
      'annual-review/case-manager/2027-10-20',
      'reevaluation/case-manager/2027-10-15',
    ]);
    expect(lines(result, 'sent')).toEqual([]);
    expect(f.queue.jobs).toHaveLength(2);
    expect(await f.emails()).toHaveLength(2);
  });

  it("sends every sample decision its due reminders, notices in the recipients' documents", async () => {
    // Prepare
    const f = await fixture({ at: '2027-10-20T13:00:00Z' });
    const names = [
      'annual-elementary-en',
      'annual-transition-es',
      'initial-zh',
      'amendment-vi',
      'majority-ar',
    ] as const;
    for (const [i, name] of names.entries()) {
      const decision = variant(calendarFixtureDecision(name), {
        decisionId: `${f.decision().decisionId}-${i}`,
        studentId: `S-${f.decision().decisionId}-${i}`,
      });
      decision.caseManager.email = f.caseManagerEmail;
      await f.finalize(decision);
    }

    // Act
    const result = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Assess
    expect(result.failed).toEqual([]);
    const notices = result.reminders.filter(
      (r) => r.state === 'sent' && r.recipientId !== 'case-manager',
    );
    expect(notices.length).toBe(f.queue.jobs.length);
    const records = new DynamoDocumentRecords(
      f.env.clients.documents,
      f.env.names.tables.documents,
    );
    const majority = f.queue.jobs.find(
      (j) => j.decisionId.endsWith('-4') && j.recipientIds?.[0] === 'student',
    );
    const documents = await Promise.all((majority?.documentIds ?? []).map((id) => records.get(id)));
    expect(documents.map((d) => d?.type)).toContain('majority-notice');
    const guardian = f.queue.jobs.find(
      (j) => j.decisionId.endsWith('-4') && j.recipientIds?.[0] === 'G-1',
    );
    const guardianDocs = await Promise.all(
      (guardian?.documentIds ?? []).map((id) => records.get(id)),
    );
    // The Arabic-speaking guardian: her language first, then English.
    expect(guardianDocs.map((d) => d?.language)).toEqual(['ar', 'en']);
    expect(result.overdue.map((o) => `${o.entry}/${o.dueDate}`)).toEqual([
      'reevaluation/2027-02-06',
      'reevaluation/2027-04-17',
      'annual-review/2027-04-29',
      'reevaluation/2027-10-14',
    ]);
    expect(await f.services.sweep.overdueOn('example-usd', '2027-10-20')).toEqual(result.overdue);
  });

  it('records a due reminder cancelled, not sent, when its entry was cancelled after the index was read', async () => {
    // Prepare: the entry is cancelled but its reminders are still pending (a write the index had not caught up with).
    const f = await fixture({ at: '2027-10-20T13:00:00Z' });
    const decision = f.decision();
    await f.finalize(decision);
    const entry = await f.services.store.getEntry(`${decision.decisionId}#v1#annual-review`);
    await f.services.store.putEntry({
      ...(entry as NonNullable<typeof entry>),
      status: 'cancelled',
      cancelledBy: { decisionId: 'dec-newer', version: 1, reason: 'superseded' },
    });

    // Act
    const result = await f.services.sweep.runSweep({
      districtId: 'example-usd',
      today: '2027-10-20',
    });

    // Assess
    expect(lines(result, 'cancelled')).toEqual([
      'annual-review/G-1/2027-10-20',
      'annual-review/G-2/2027-10-20',
      'annual-review/case-manager/2027-10-20',
    ]);
    expect(f.queue.jobs).toEqual([]);
    expect(await f.emails()).toHaveLength(1);
  });

  it("sweeps the district's own day at the midnight time-zone boundary", async () => {
    // Prepare: 2027-10-20T06:59Z is 23:59 on October 19 in Los Angeles.
    const f = await fixture({ at: '2027-10-20T06:59:00Z' });
    await f.finalize(f.decision());
    const handler = makeReviewSweepHandler({
      sweep: f.services.sweep,
      districts: loadDistrictDirectory(),
      clock: f.clock.now,
      log: quiet,
    });

    // Act
    const before = await handler({ districtId: 'example-usd' });
    const jobsBefore = f.queue.jobs.length;
    f.clock.set('2027-10-20T07:00:00Z');
    const after = await handler({ districtId: 'example-usd' });

    // Assess
    expect(before).toMatchObject({ today: '2027-10-19', sent: 2 });
    expect(jobsBefore).toBe(0);
    expect(after).toMatchObject({ today: '2027-10-20', sent: 3 });
    expect(f.queue.jobs.map((j) => j.recipientIds)).toEqual([['G-1'], ['G-2']]);
  });
});

describe('the review-sweep handler', () => {
  const result = (failed: SweepResult['failed']): SweepResult => ({
    districtId: 'example-usd',
    today: '2027-10-20',
    reminders: [],
    overdue: [],
    lateNotices: [],
    failed,
  });
  const handlerWith = (failed: SweepResult['failed']) =>
    makeReviewSweepHandler({
      sweep: { runSweep: async () => result(failed) },
      districts: loadDistrictDirectory(),
      clock: () => new Date('2027-10-20T13:00:00Z'),
      log: quiet,
    });

  it('fails the invocation when a reminder could not be sent, so the scheduler retries', async () => {
    // Prepare
    const handler = handlerWith([{ reminderId: 'rem_1', reason: 'queue unavailable' }]);

    // Act
    const run = handler({ districtId: 'example-usd' });

    // Assess
    await expect(run).rejects.toThrow(/1 reminder\(s\) not sent/);
  });

  it('refuses an event without a district, and a district it has no profile for', async () => {
    // Prepare
    const handler = handlerWith([]);

    // Act
    const missing = handler({} as never);
    const unknown = handler({ districtId: 'nowhere-usd' });

    // Assess
    await expect(missing).rejects.toThrow('sweep event without a districtId');
    await expect(unknown).rejects.toThrow(/nowhere-usd/);
  });
});
