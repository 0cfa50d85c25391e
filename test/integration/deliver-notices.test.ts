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
