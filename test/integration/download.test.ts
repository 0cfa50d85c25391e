import { describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamo-deliveries.ts';
import { DynamoAccessLog } from '../../functions/adapters/dynamo-links.ts';
import {
  type DeliveryFixture,
  deliveryFixturesForFile,
  sha256,
  uniqueDecision,
} from './deliver-support.ts';

const files = deliveryFixturesForFile();

/** A decision delivered by email; its link as the summary shows it. */
async function delivered() {
  const f = await files.fixture();
  const raw = uniqueDecision(f.env, 'amendment-en');
  const { job, documents } = await f.ready(raw);
  await f.delivery.queue.enqueue(job);
  await f.delivery.drain();
  const [delivery] = await f.delivery.deliveriesFor(raw.decisionId, raw.version);
  if (!delivery?.link) throw new Error('no link was sent');
  return { f, raw, documents, link: delivery.link };
}

async function emailDelivery(f: DeliveryFixture, decisionId: string) {
  const records = await new DynamoDeliveryStore(
    f.env.clients.documents,
    f.env.names.tables.deliveries,
  ).listForDecision(decisionId);
  const email = records.find((r) => r.channel === 'email');
  if (!email) throw new Error('no email delivery');
  return email;
}

const accessLogOf = (f: DeliveryFixture, linkId: string) =>
  new DynamoAccessLog(f.env.clients.documents, f.env.names.tables.accessLog).list(linkId);

const hrefs = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string);

describe('download link', () => {
  it('lists the documents and serves each one, matching its record, writing an access-log entry per fetch', async () => {
    // Prepare
    const { f, documents, link } = await delivered();

    // Act: the page, then every document through its entry.
    const page = await fetch(link);
    const html = await page.text();
    // Besides the documents: the district's address and the response page (issue #19).
    const entries = hrefs(html).filter((h) => !h.startsWith('mailto:') && !h.endsWith('/respond'));
    expect(hrefs(html).filter((h) => h.endsWith('/respond'))).toHaveLength(1);
    const fetched: { documentId: string; sha256: string }[] = [];
    for (const href of entries) {
      const url = new URL(href, link);
      const redirect = await fetch(url, {
        redirect: 'manual',
        headers: { 'user-agent': 'delivery-test/1.0' },
      });
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get('location') as string;
      const served = await fetch(location);
      expect(served.headers.get('cache-control')).toBe('no-store');
      expect(served.headers.get('content-disposition')).toMatch(
        /^attachment; filename="[a-z-]+\.[a-z-]+\.pdf"$/,
      );
      const pdf = new Uint8Array(await served.arrayBuffer());
      fetched.push({
        documentId: decodeURIComponent(url.pathname.split('/').pop() as string),
        sha256: sha256(pdf),
      });
    }

    // Assess
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
    expect(page.headers.get('content-security-policy')).toContain("base-uri 'none'");
    expect(html).toContain('Documents from Example Unified School District');
    expect(fetched).toEqual(documents.map((d) => ({ documentId: d.documentId, sha256: d.sha256 })));
    const record = await emailDelivery(f, documents[0]?.decisionId as string);
    const entriesLogged = await accessLogOf(f, record.linkId as string);
    expect(entriesLogged.map((e) => e.documentId).sort()).toEqual(
      documents.map((d) => d.documentId).sort(),
    );
    for (const entry of entriesLogged) {
      expect(entry).toMatchObject({
        recipientId: 'G-1',
        deliveryId: record?.deliveryId,
        sourceIp: expect.stringContaining('127.0.0.1'),
        userAgent: 'delivery-test/1.0',
      });
      expect(Date.parse(entry.accessedAt)).not.toBeNaN();
    }
  });

  it('answers an expired link with the same 404 page as a link that never existed', async () => {
    // Prepare: 30 days of validity, and one more day.
    const { f, link } = await delivered();
    const unknown = await fetch(`${f.delivery.downloadBaseUrl}/d/${'A'.repeat(43)}`);
    const unknownBody = await unknown.text();
    f.clock.advance(31 * 86_400_000);

    // Act
    const expired = await fetch(link);
    const expiredDocument = await fetch(`${link}/doc_000000000000000000000000`, {
      redirect: 'manual',
    });

    // Assess
    expect(unknown.status).toBe(404);
    expect(unknownBody).toContain(
      'This link is no longer valid. Please contact Example Unified School District at +1-555-0100.',
    );
    expect(expired.status).toBe(404);
    expect(await expired.text()).toBe(unknownBody);
    expect(expiredDocument.status).toBe(404);
    expect(await expiredDocument.text()).toBe(unknownBody);
  });

  it('answers a revoked link (withdrawn version) with the same 404 page, and logs no access', async () => {
    // Prepare
    const { f, raw, documents, link } = await delivered();
    const unknownBody = await (await fetch(`${f.delivery.downloadBaseUrl}/d/not-a-token`)).text();

    // Act
    await f.delivery.afterWithdrawn(raw.decisionId, raw.version);
    const page = await fetch(link);
    const document = await fetch(`${link}/${documents[0]?.documentId}`, { redirect: 'manual' });

    // Assess
    expect(page.status).toBe(404);
    expect(await page.text()).toBe(unknownBody);
    expect(document.status).toBe(404);
    expect(await document.text()).toBe(unknownBody);
    const record = await emailDelivery(f, raw.decisionId);
    expect(await accessLogOf(f, record.linkId as string)).toEqual([]);
  });

  it('refuses a document that the link does not offer', async () => {
    // Prepare: a second decision's document id, valid on its own.
    const { f, link } = await delivered();
    const other = uniqueDecision(f.env, 'annual-grade4-en', (r) => {
      r.decisionId = `${r.decisionId}-other`;
    });
    const { documents: others } = await f.ready(other);

    // Act
    const response = await fetch(`${link}/${others[0]?.documentId}`, { redirect: 'manual' });

    // Assess
    expect(response.status).toBe(404);
  });

  it("says a majority notice's link leads to a notice, in the reader's language", async () => {
    // Prepare: the notice emailed to a Spanish-speaking parent.
    const f = await files.fixture({ locales: ['en', 'es'], shippedLocales: true });
    const raw = uniqueDecision(f.env, 'transition-es');
    const { job } = await f.readyNotice(raw, 'majority-notice', ['es', 'en'], ['G-1']);
    await f.delivery.queue.enqueue(job);
    await f.delivery.drain();
    const [delivery] = await f.delivery.deliveriesFor(raw.decisionId, raw.version);

    // Act
    const html = await (await fetch(delivery?.link as string)).text();

    // Assess
    expect(html).toContain('<title>Un aviso de Example Unified School District</title>');
    expect(html).toContain('transferencia de los derechos educativos');
    expect(html).not.toContain('Estos son los documentos de su reunión del IEP');
  });
});
