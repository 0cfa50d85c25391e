/**
 * The responses stream's consumer on the emulators (DynamoDB Local and its stream, s3rver, the
 * SES emulator), through the local delivery runtime's poller with the contract's mapping: an
 * answer's consent reaches the calendar (34 CFR 300.300(b)), its signed PDF is stored and
 * recorded once, and the parent's copy and the case manager's notice are sent once however
 * often the stream is drained. The printer is a stand-in of our own PdfPrinter (no Chromium
 * here: the browser tests print for real); the signature is real.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoCalendarStore } from '../../functions/adapters/dynamo-calendar.ts';
import { DynamoResponseStore } from '../../functions/adapters/dynamo-responses.ts';
import { entryIdOf } from '../../functions/core/calendar.ts';
import type { ResponseRecord } from '../../functions/pipeline/response-ports.ts';
import { responseKey } from '../../functions/pipeline/responses.ts';
import type { PdfPrinter } from '../../functions/render/ports.ts';
import { verifyPdf } from '../../functions/render/signing/index.ts';
import { sentEmails } from '../support/ses.ts';
import { type DeliveryFixture, deliveryFixture, standInPdf } from './deliver-support.ts';

const printer: PdfPrinter = {
  print: () => standInPdf('Parent response'),
  close: () => Promise.resolve(),
};
const fixtures: DeliveryFixture[] = [];
afterAll(async () => {
  for (const f of fixtures) {
    await f.delivery.stop();
    f.env.clients.destroy();
  }
});

/** The pending-consent sample (300.300(b)(1)), with ids and addresses unique to this test. */
function pendingDecision(prefix: string): Record<string, any> {
  const raw = JSON.parse(
    readFileSync(new URL('../../samples/consent/initial-pending-en.json', import.meta.url), 'utf8'),
  );
  raw.decisionId = `${raw.decisionId}-${prefix}`;
  for (const g of raw.guardians)
    if (g.email) g.email = `${g.guardianId.toLowerCase()}.${prefix}@example.com`;
  raw.caseManager.email = `cm.${prefix}@example.com`;
  return raw;
}

function answer(
  raw: Record<string, any>,
  sequence: number,
  response: ResponseRecord['response'],
  signedAt: string,
): ResponseRecord {
  const key = responseKey(raw.version, 'G-1', sequence);
  return {
    decisionId: raw.decisionId,
    responseKey: key,
    responseId: `rsp_${String(sequence).padStart(24, '0')}`,
    districtId: raw.districtId,
    version: raw.version,
    recipientId: 'G-1',
    sequence,
    linkId: 'lnk_test',
    response,
    except: [],
    signature: 'Sam Morgan',
    esignConsentVersion: 'esign-1',
    language: 'en',
    signedAt,
    ipHash: '0'.repeat(64),
  };
}

describe('response-follow-up over the responses stream', () => {
  it('puts the annual review on the calendar once a pending offer is agreed to, prints and mails once, and ends the calendar on a later refusal', async () => {
    // Prepare: a finalized IEP awaiting consent, its calendar empty.
    const f = await deliveryFixture(printer, { shippedLocales: true, locales: ['en'] });
    fixtures.push(f);
    const raw = pendingDecision(f.env.prefix);
    await f.env.clients.documents.put({ TableName: f.env.names.tables.decisions, Item: raw });
    const calendar = new DynamoCalendarStore(f.env.clients.documents, f.env.names.tables.calendar);
    const responses = new DynamoResponseStore(
      f.env.clients.documents,
      f.env.names.tables.responses,
    );
    const reviewId = entryIdOf(raw.decisionId, raw.version, 'annual-review');
    await f.delivery.drain();
    expect(await calendar.getEntry(reviewId)).toBeUndefined();

    // Act: the parent agrees; the stream is drained twice (a redelivery changes nothing).
    const agreed = answer(raw, 1, 'agree', new Date().toISOString());
    expect(await responses.append(agreed)).toBe(true);
    await f.delivery.drain();
    await f.delivery.drain();

    // Assess: the annual review is scheduled; the PDF is recorded and signed; one copy, one notice.
    expect(await calendar.getEntry(reviewId)).toMatchObject({ status: 'pending' });
    const stored = await responses.get(raw.decisionId, agreed.responseKey);
    expect(stored?.documentId).toMatch(/^doc_[0-9a-f]{24}$/);
    expect(stored?.noticeSentAt).toBeDefined();
    const copies = await sentEmails({ to: raw.guardians[0].email });
    expect(copies).toHaveLength(1);
    const pdf = Buffer.from(copies[0]?.attachments[0]?.content ?? '', 'base64');
    expect(verifyPdf(new Uint8Array(pdf)).intact).toBe(true);
    const staff = await sentEmails({ to: raw.caseManager.email });
    expect(staff.map((e) => e.subject)).toEqual(['A parent answered online']);

    // Act: a later refusal is a revocation (300.300(b)(4)).
    const refused = answer(raw, 2, 'refuse', new Date(Date.now() + 1000).toISOString());
    expect(await responses.append({ ...refused, supersedes: agreed.responseId })).toBe(true);
    await f.delivery.drain();

    // Assess: the review is cancelled, not deleted (not retroactive, 300.9(c)(2)).
    expect(await calendar.getEntry(reviewId)).toMatchObject({
      status: 'cancelled',
      cancelledBy: { reason: 'consent-revoked' },
    });
    expect((await sentEmails({ to: raw.caseManager.email })).map((e) => e.subject).sort()).toEqual([
      'A parent answered online',
      'A parent answered online: action needed',
    ]);
  });
});
