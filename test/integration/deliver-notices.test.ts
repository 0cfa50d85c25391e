import { readFileSync } from 'node:fs';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo-deliveries.ts';
import { loadLocales } from '../../functions/render/locales.ts';
import { sentEmails } from '../support/ses.ts';
import { deliveryFixturesForFile, uniqueDecision } from './deliver-support.ts';

const files = deliveryFixturesForFile();
const locales = loadLocales();
const DISTRICT = 'Example Unified School District';

/** Every way the sample's student could appear in a message. */
function studentDetails(raw: Record<string, any>): string[] {
  const { firstName, lastName, dateOfBirth, studentId } = raw.student;
  const [y, m, d] = (dateOfBirth as string).split('-');
  return [firstName, lastName, studentId, dateOfBirth, `${Number(m)}/${Number(d)}/${y}`];
}

describe('delivering a calendar notice', () => {
  it("emails an annual-review notice as a notice about the annual review, in the parent's language, and mails the other parent one", async () => {
    // Prepare: G-1 reads Arabic and takes email; G-2 reads Spanish and gets paper.
    const f = await files.fixture({ locales: ['en', 'es', 'ar'], shippedLocales: true });
    const raw = uniqueDecision(f.env, 'transition-es', (r) => {
      r.guardians[0].preferredLanguage = 'ar';
    });
    const { job, documents } = await f.readyNotice(
      raw,
      'annual-review-notice',
      ['ar', 'es', 'en'],
      ['G-1', 'G-2'],
    );

    // Act
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    // Assess: the email says what it is, in Arabic, and names no student.
    const [email] = await sentEmails({ to: raw.guardians[0].email });
    const ar = locales.get('ar')?.email.annualReviewNotice;
    expect(email?.subject).toBe(
      `إشعار بشأن المراجعة السنوية لبرنامج التعليم الفردي لطفلكم — ${DISTRICT}`,
    );
    expect(email?.body.text).toContain(ar?.intro.replace('{district}', DISTRICT));
    expect(email?.body.text).toContain(`${ar?.linkLabel}: `);
    expect(email?.body.text).not.toContain(locales.get('ar')?.email.linkLabel);
    const texts = `${email?.subject}\n${email?.body.text}\n${email?.body.html}`;
    for (const detail of studentDetails(raw)) expect(texts).not.toContain(detail);

    // ...and each parent is offered the notice in their language, then English.
    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const records = await store.listForDecision(raw.decisionId, raw.version);
    const notice = (language: string) => documents.find((d) => d.language === language)?.documentId;
    expect(
      records.map((r) => [r.recipientId, r.channel, r.state, r.language, r.documentIds]),
    ).toEqual([
      ['G-1', 'email', 'sent', 'ar', [notice('ar'), notice('en')]],
      ['G-2', 'postal', 'pending-mail', 'es', [notice('es'), notice('en')]],
    ]);
    expect(records.map((r) => r.subject)).toEqual([
      email?.subject,
      'Un aviso sobre la revisión anual del IEP de su hijo',
    ]);
    const postal = records.find((r) => r.channel === 'postal');
    const packet = await PDFDocument.load(await f.store.get(postal?.postalKey as string));
    expect(packet.getPageCount()).toBe(2 + 2 * 2); // cover letter, then each notice (with backs)
    expect(packet.getTitle()).toBe('Un aviso sobre la revisión anual del IEP de su hijo');
  });

  it('emails a majority notice as a notice about the transfer of educational rights', async () => {
    const f = await files.fixture();
    const raw = uniqueDecision(f.env, 'amendment-en');
    const { job } = await f.readyNotice(raw, 'majority-notice', ['en'], ['G-1']);

    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    const [email] = await sentEmails({ to: raw.guardians[0].email });
    expect(email?.subject).toBe(
      `A notice about the transfer of educational rights to your child — ${DISTRICT}`,
    );
    expect(email?.body.text).toContain('View the notice: ');
    expect(email?.body.text).not.toContain('Documents from');
  });
});

/** The sample whose student turns 18 on 2027-06-15, with the student's own contact. */
function majoritySample(
  env: Parameters<typeof uniqueDecision>[0],
  change?: (raw: Record<string, any>) => void,
): Record<string, any> {
  const raw = JSON.parse(
    readFileSync(new URL('../fixtures/decisions/majority-ar.json', import.meta.url), 'utf8'),
  );
  raw.decisionId = `${raw.decisionId}-${env.prefix}`;
  raw.guardians[0].email = `g-1.${env.prefix}@example.com`;
  raw.student.contact.email = `student.${env.prefix}@example.com`;
  change?.(raw);
  return raw;
}

/** Moves the fixture's clock to noon UTC of `day` (the notice window before the 18th birthday). */
function moveClockTo(clock: { advance(ms: number): void }, day: string): void {
  clock.advance(Date.parse(`${day}T12:00:00Z`) - Date.now());
}

describe('delivering the majority notice before rights transfer (300.520(a)(1)(ii))', () => {
  it('emails the notice to the student as well as the parent, 90 days before the 18th birthday', async () => {
    // Prepare: the sweep's jobs for the student and the parent, on the day the reminder is due.
    const f = await files.fixture();
    const raw = majoritySample(f.env);
    const student = await f.readyNotice(raw, 'majority-notice', ['en'], ['student']);
    const parent = await f.readyNotice(raw, 'majority-notice', ['en'], ['G-1']);
    moveClockTo(f.clock, '2027-03-17');

    // Act
    await f.delivery.queue.enqueue({ ...student.job, jobId: `${student.job.jobId}-student` });
    await f.delivery.queue.enqueue({ ...parent.job, jobId: `${parent.job.jobId}-g1` });
    await f.delivery.drain();

    // Assess: the student is told, in words meant for them.
    const [email] = await sentEmails({ to: raw.student.contact.email });
    expect(email?.subject).toBe(
      `A notice about the transfer of educational rights to you — ${DISTRICT}`,
    );
    expect(await sentEmails({ to: raw.guardians[0].email })).toHaveLength(1);
    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const records = await store.listForDecision(raw.decisionId, raw.version);
    expect(records.map((r) => [r.recipientId, r.channel, r.state]).sort()).toEqual([
      ['G-1', 'email', 'sent'],
      ['student', 'email', 'sent'],
    ]);
  });

  it('records why a student without an email consent or an address cannot be reached, never drops it', async () => {
    // Prepare: the student gave an email but no consent to electronic notice, and no address.
    const f = await files.fixture();
    const raw = majoritySample(f.env, (r) => {
      r.student.contact.electronicNoticeConsent = { given: false, date: '2026-11-18' };
    });
    const { job } = await f.readyNotice(raw, 'majority-notice', ['en'], ['student']);
    moveClockTo(f.clock, '2027-03-17');

    // Act
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    // Assess
    expect(await sentEmails({ to: raw.student.contact.email })).toEqual([]);
    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const records = await store.listForDecision(raw.decisionId, raw.version);
    expect(records.map((r) => [r.recipientId, r.state, r.reason])).toEqual([
      ['student', 'problem', 'no consent to electronic notice and no postal address'],
    ]);
  });

  it('mails the notice to a student who has a postal address but no email consent', async () => {
    const f = await files.fixture();
    const raw = majoritySample(f.env, (r) => {
      r.student.contact = {
        preferredLanguage: 'en',
        postalAddress: {
          line1: '1 Test Way',
          city: 'Springfield',
          state: 'CA',
          postalCode: '95010',
        },
      };
    });
    const { job } = await f.readyNotice(raw, 'majority-notice', ['en'], ['student']);
    moveClockTo(f.clock, '2027-03-17');

    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const records = await store.listForDecision(raw.decisionId, raw.version);
    expect(records.map((r) => [r.recipientId, r.channel, r.state, r.subject])).toEqual([
      [
        'student',
        'postal',
        'pending-mail',
        'A notice about the transfer of educational rights to you',
      ],
    ]);
  });

  it('records a notice job naming someone who is not a recipient of the decision, never drops it', async () => {
    // Prepare: an annual-review notice for the student, whose rights have not transferred yet.
    const f = await files.fixture();
    const raw = majoritySample(f.env);
    const { job } = await f.readyNotice(raw, 'annual-review-notice', ['en'], ['student']);
    moveClockTo(f.clock, '2027-03-17');

    // Act
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    // Assess
    expect(await sentEmails({ to: raw.student.contact.email })).toEqual([]);
    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const records = await store.listForDecision(raw.decisionId, raw.version);
    expect(records.map((r) => [r.recipientId, r.state])).toEqual([['student', 'problem']]);
    expect(records[0]?.reason).toMatch(/not a recipient/);
  });
});
