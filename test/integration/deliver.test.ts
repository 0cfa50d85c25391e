import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { loadDistrictDirectory } from '../../functions/adapters/district-files.ts';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo-deliveries.ts';
import { DELIVERY_QUEUE } from '../../functions/contract/queues.ts';
import { DistrictDirectory } from '../../functions/core/district.ts';
import { deliveryIdFor, deliveryKeyFor } from '../../functions/pipeline/deliver.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { sentEmails } from '../support/ses.ts';
import { deliveryFixturesForFile, sha256, uniqueDecision } from './deliver-support.ts';

const files = deliveryFixturesForFile();

const fixture = files.fixture;

/** Every way the sample's student could appear in a message. */
function studentDetails(raw: Record<string, any>): string[] {
  const { firstName, lastName, dateOfBirth, studentId } = raw.student;
  const [y, m, d] = (dateOfBirth as string).split('-');
  return [
    firstName,
    lastName,
    studentId,
    dateOfBirth,
    `${Number(m)}/${Number(d)}/${y}`,
    `${m}/${d}/${y}`,
    raw.decisionId,
  ];
}

describe('deliver', () => {
  it('emails the guardian who consented and makes a postal packet for the Spanish-speaking guardian who did not', async () => {
    // Prepare
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'transition-es');
    const { job } = await f.ready(raw);

    // Act
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    // Assess
    const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
    expect(deliveries.map((d) => [d.recipientId, d.channel, d.state, d.language])).toEqual([
      ['G-1', 'email', 'sent', 'en'],
      ['G-2', 'postal', 'pending-mail', 'en'],
    ]);
    expect(deliveries[0]?.link).toMatch(
      new RegExp(`^${f.delivery.downloadBaseUrl}/d/[A-Za-z0-9_-]{43}$`),
    );
    expect(deliveries[1]?.link).toBeNull();
    const emails = await sentEmails({ to: raw.guardians[0].email });
    expect(emails).toHaveLength(1);
    expect(emails[0]?.body.html).toContain(deliveries[0]?.link);
    expect(emails[0]?.body.text).toContain(deliveries[0]?.link);
  });

  it('offers a recipient their language first, then English, in the email language of their locale', async () => {
    // Prepare: a Spanish locale exists, and documents in Spanish and English.
    const f = await fixture({ locales: ['en', 'es'] });
    const raw = uniqueDecision(f.env, 'transition-es');
    const { job, documents } = await f.ready(raw, ['en', 'es']);

    // Act
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    // Assess
    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const records = await store.listForDecision(raw.decisionId, raw.version);
    const byLanguage = (language: string) =>
      documents.filter((d) => d.language === language).map((d) => d.documentId);
    expect(records.map((r) => [r.recipientId, r.language, r.documentIds, r.notes])).toEqual([
      ['G-1', 'es', [...byLanguage('es'), ...byLanguage('en')], undefined],
      ['G-2', 'es', [...byLanguage('es'), ...byLanguage('en')], undefined],
    ]);
  });

  it('records "translation needed" when the recipient language has no locale yet', async () => {
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'transition-es');
    const { job } = await f.ready(raw);

    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const records = await store.listForDecision(raw.decisionId, raw.version);
    expect(records.map((r) => r.notes)).toEqual([
      ['translation needed: es'],
      ['translation needed: es'],
    ]);
  });

  it('puts the district return address and the recipient address on the cover letter, then the documents', async () => {
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'transition-es');
    const { job, documents } = await f.ready(raw);

    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const postal = (await store.listForDecision(raw.decisionId, raw.version)).find(
      (r) => r.channel === 'postal',
    );
    expect(postal?.postalKey).toBe(
      `districts/example-usd/decisions/${raw.decisionId}/v${raw.version}/postal/${postal?.deliveryId}.pdf`,
    );
    const packet = await PDFDocument.load(await f.store.get(postal?.postalKey as string));
    // Cover letter (one page + a blank back), then each one-page document with its blank back.
    expect(packet.getPageCount()).toBe(2 + 2 * documents.length);
    expect(postal?.documentIds).toEqual(documents.map((d) => d.documentId));
  });

  it('records an adult student reachable by neither channel as a delivery problem, and still serves the guardians', async () => {
    // Prepare: rights transferred (18 years old), an email address but no consent, no postal address.
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'transition-es', (r) => {
      r.student.dateOfBirth = '2007-01-15';
      r.student.contact = {
        email: `student.${f.env.prefix}@example.com`,
        electronicNoticeConsent: { given: false, date: '2026-01-15' },
      };
    });
    const { job } = await f.ready(raw);

    // Act
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    // Assess
    const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
    expect(deliveries.map((d) => [d.recipientId, d.channel, d.state])).toEqual([
      ['G-1', 'email', 'sent'],
      ['G-2', 'postal', 'pending-mail'],
      ['student', 'postal', 'problem'],
    ]);
    expect(await sentEmails({ to: raw.student.contact.email })).toHaveLength(0);
    expect(await f.delivery.deadLetters()).toEqual([]);
  });

  it('emails an adult student who consented, addressing them and not their parents', async () => {
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'amendment-en', (r) => {
      r.student.dateOfBirth = '2007-01-15';
      r.student.contact = {
        email: `student.${f.env.prefix}@example.com`,
        electronicNoticeConsent: { given: true, date: '2026-01-15' },
      };
    });
    const { job } = await f.ready(raw);

    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    const [email] = await sentEmails({ to: raw.student.contact.email });
    expect(email?.subject).toBe(
      'Documents from your IEP meeting are ready — Example Unified School District',
    );
    for (const detail of studentDetails(raw))
      expect(`${email?.subject}\n${email?.body.text}\n${email?.body.html}`).not.toContain(detail);
  });

  it('attaches the documents only when the district profile turns attachments on', async () => {
    // Prepare
    const profile = loadDistrictDirectory().get('example-usd');
    const attaching = new DistrictDirectory([
      { ...profile, delivery: { ...profile.delivery, attachDocuments: true } },
    ]);
    const plain = await fixture();
    const withAttachments = await fixture({ districts: attaching });
    const rawPlain = uniqueDecision(plain.env, 'amendment-en');
    const rawAttaching = uniqueDecision(withAttachments.env, 'amendment-en');
    const { job: plainJob } = await plain.ready(rawPlain);
    const { job, documents } = await withAttachments.ready(rawAttaching);

    // Act
    await plain.delivery.queue.enqueue(plainJob);
    await plain.delivery.drain();
    await withAttachments.delivery.queue.enqueue(job);
    await withAttachments.delivery.drain();

    // Assess
    const [without] = await sentEmails({ to: rawPlain.guardians[0].email });
    const [attached] = await sentEmails({ to: rawAttaching.guardians[0].email });
    expect(without?.attachments).toEqual([]);
    expect(
      attached?.attachments.map((a) => [a.filename, sha256(Buffer.from(a.content, 'base64'))]),
    ).toEqual(documents.map((d) => [`${d.type}.${d.language}.pdf`, d.sha256]));
    expect(attached?.body.text).toContain('The documents are also attached to this email.');
  });

  it('keeps the student name, birth date and ids out of every subject and body', async () => {
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'transition-es');
    const { job } = await f.ready(raw);

    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    const [email] = await sentEmails({ to: raw.guardians[0].email });
    const summary = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
    const texts = [
      email?.subject,
      email?.body.html,
      email?.body.text,
      ...summary.map((d) => d.subject),
    ].join('\n');
    expect(email?.subject).toBe(
      "Documents from your child's IEP meeting are ready — Example Unified School District",
    );
    for (const detail of studentDetails(raw)) expect(texts).not.toContain(detail);
  });

  it('sends nothing twice when the queue redelivers a job or the job is enqueued again', async () => {
    // Prepare: a job received but not deleted (the consumer died), so it comes back.
    const f = await fixture({ visibilityTimeoutMs: 1_000 });
    const raw = uniqueDecision(f.env, 'annual-grade4-en');
    const { job } = await f.ready(raw);
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();
    await f.delivery.queue.enqueue(job);

    // Act
    await f.delivery.drain();

    // Assess
    for (const guardian of raw.guardians)
      expect(await sentEmails({ to: guardian.email })).toHaveLength(1);
    const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
    expect(deliveries.map((d) => d.state)).toEqual(['sent', 'sent']);
  });

  it('retries a job that failed half-way from the queue, without sending its email again', async () => {
    // Prepare: the first cover letter fails to print, so the job fails after G-1's email went out.
    let failures = 1;
    const flaky: PdfPrinter = {
      print: (job) =>
        failures-- > 0 ? Promise.reject(new Error('browser crashed')) : files.printer().print(job),
      close: async () => {},
    };
    const f = await fixture({}, flaky);
    const raw = uniqueDecision(f.env, 'transition-es');
    const { job } = await f.ready(raw);

    // Act: the message is not deleted, becomes visible again and is received a second time.
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    // Assess
    expect(await sentEmails({ to: raw.guardians[0].email })).toHaveLength(1);
    const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
    expect(deliveries.map((d) => [d.recipientId, d.state])).toEqual([
      ['G-1', 'sent'],
      ['G-2', 'pending-mail'],
    ]);
    expect(await f.delivery.deadLetters()).toEqual([]);
  });

  it('dead-letters a job that keeps failing, after the email that could go out went out once', async () => {
    const broken: PdfPrinter = {
      print: () => Promise.reject(new Error('no browser')),
      close: async () => {},
    };
    const f = await fixture({}, broken);
    const raw = uniqueDecision(f.env, 'transition-es');
    const { job } = await f.ready(raw);

    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    const dead = await f.delivery.deadLetters();
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]?.body as string)).toEqual(job);
    // The local queue redrives after the contract's receives, as the stack's queue does.
    expect(dead[0]?.receiveCount).toBe(DELIVERY_QUEUE.maxReceiveCount);
    expect(dead[0]?.lastError).toBe('1 of 2 deliveries failed: no browser');
    expect(await sentEmails({ to: raw.guardians[0].email })).toHaveLength(1);
    const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
    expect(deliveries.map((d) => [d.recipientId, d.state])).toEqual([
      ['G-1', 'sent'],
      ['G-2', 'sending'],
    ]);
  });

  it('refuses a job whose documents belong to another decision: nothing is sent, no link made', async () => {
    // Prepare: student A's job carrying student B's documents (a mis-built message).
    const f = await fixture({ visibilityTimeoutMs: 200 });
    const a = uniqueDecision(f.env, 'annual-grade4-en');
    const b = uniqueDecision(f.env, 'transition-es', (raw) => {
      raw.decisionId = `${raw.decisionId}-b`;
    });
    const { job } = await f.ready(a);
    const { documents: others } = await f.ready(b);
    const forged = { ...job, documentIds: others.map((d) => d.documentId) };

    // Act
    await f.delivery.queue.enqueue(forged);
    await f.delivery.drain();

    // Assess
    const dead = await f.delivery.deadLetters();
    expect(dead.map((d) => d.lastError)).toEqual([
      expect.stringMatching(/names records that are not its own: document doc_\w+: other decision/),
    ]);
    for (const guardian of a.guardians)
      expect(await sentEmails({ to: guardian.email })).toEqual([]);
    expect(await f.delivery.deliveriesFor(a.decisionId, a.version)).toEqual([]);
  });

  it('does not resend an email whose sender died between claim and mark: it asks for review', async () => {
    // Prepare: a claim left in `sending` long ago, as a crash after the claim would leave it.
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'amendment-en');
    const { job } = await f.ready(raw);
    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const deliveryId = deliveryIdFor(job, 'G-1', 'email');
    const claimedAt = new Date(Date.now() - 60 * 60_000).toISOString();
    await store.claim({
      deliveryId,
      deliveryKey: deliveryKeyFor(job.version, job.kind, 'G-1', 'email'),
      districtId: job.districtId,
      decisionId: job.decisionId,
      version: job.version,
      kind: job.kind,
      recipientId: 'G-1',
      channel: 'email',
      language: 'en',
      documentSetIds: job.documentIds,
      documentIds: job.documentIds,
      subject: 'claimed',
      state: 'sending',
      claimedAt,
      updatedAt: claimedAt,
    });

    // Act
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();

    // Assess
    expect(await sentEmails({ to: raw.guardians[0].email })).toHaveLength(0);
    expect((await store.get(deliveryId))?.state).toBe('needs-review');
  });

  it('turns a bounced email into a pending postal packet for that recipient, once', async () => {
    // Prepare
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'amendment-en');
    const { job } = await f.ready(raw);
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();
    const deliveryId = deliveryIdFor(job, 'G-1', 'email');
    const [email] = await sentEmails({ to: raw.guardians[0].email });
    const bounce = {
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        timestamp: new Date().toISOString(),
      },
      mail: {
        messageId: email?.messageId,
        timestamp: new Date().toISOString(),
        tags: { 'delivery-id': [deliveryId] },
      },
    };

    // Act: SES may publish the same event twice.
    expect(await f.delivery.applySesEvent(bounce)).toBe('bounced');
    await f.delivery.applySesEvent(bounce);
    await f.delivery.drain();

    // Assess
    const deliveries = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
    expect(deliveries.map((d) => [d.recipientId, d.channel, d.state])).toEqual([
      ['G-1', 'email', 'bounced'],
      ['G-1', 'postal', 'pending-mail'],
    ]);
    const store = new DynamoDeliveryStore(f.env.clients.documents, f.env.names.tables.deliveries);
    const postal = (await store.listForDecision(raw.decisionId, raw.version)).find(
      (r) => r.channel === 'postal',
    );
    expect(postal?.replaces).toBe(deliveryId);
    expect(await sentEmails({ to: raw.guardians[0].email })).toHaveLength(1);
  });

  it('marks a delivered email delivered, and a later delivery event cannot undo a bounce', async () => {
    const f = await fixture();
    const raw = uniqueDecision(f.env, 'annual-grade4-en');
    const { job } = await f.ready(raw);
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();
    const event = (eventType: string, recipientId: string) => ({
      eventType,
      ...(eventType === 'Bounce' ? { bounce: { bounceType: 'Permanent' } } : {}),
      mail: { messageId: 'm', tags: { 'delivery-id': [deliveryIdFor(job, recipientId, 'email')] } },
    });

    await f.delivery.applySesEvent(event('Delivery', 'G-1'));
    await f.delivery.applySesEvent(event('Bounce', 'G-2'));
    await f.delivery.applySesEvent(event('Delivery', 'G-2'));

    const states = (await f.delivery.deliveriesFor(raw.decisionId, raw.version)).filter(
      (d) => d.channel === 'email',
    );
    expect(states.map((d) => [d.recipientId, d.state])).toEqual([
      ['G-1', 'delivered'],
      ['G-2', 'bounced'],
    ]);
  });
});
