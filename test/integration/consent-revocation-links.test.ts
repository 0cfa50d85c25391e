/**
 * A revocation of consent (300.300(b)(4)) keeps the record: the family's link to the notice of
 * ending services opens; the documents of the IEP they had consented to stay stored unchanged
 * (the district's education records, 300.613) even though their link closes, as every earlier
 * version's does once a newer one is in force; nothing is revoked as a withdrawal would.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../functions/core/decision.ts';
import { type AfterRenderParts, afterRender } from '../../functions/pipeline/after-render.ts';
import type { DecisionOutcome } from '../../functions/pipeline/ports.ts';
import { deliveryFixturesForFile } from './deliver-support.ts';

const files = deliveryFixturesForFile();

const consentSample = (name: string, prefix: string) => {
  const raw = JSON.parse(
    readFileSync(new URL(`../../samples/consent/${name}.json`, import.meta.url), 'utf8'),
  );
  raw.decisionId = `${raw.decisionId}-${prefix}`;
  for (const g of raw.guardians)
    if (g.email) g.email = `${g.guardianId.toLowerCase()}.${prefix}@example.com`;
  return raw;
};
const status = async (url: string) => (await fetch(url)).status;

describe('a revocation of consent', () => {
  it('opens the notice of ending services and keeps the consented IEP on record', async () => {
    // Prepare: version 2 (consent given) delivered.
    const f = await files.fixture();
    const given = consentSample('initial-given-en', f.env.prefix);
    const v2 = await f.ready(given);
    await f.delivery.queue.enqueue(v2.job);
    await f.delivery.drain();
    const givenLink = (await f.delivery.deliveriesFor(given.decisionId, 2)).find(
      (d) => d.recipientId === 'G-1',
    )?.link as string;
    expect(await status(givenLink)).toBe(200);

    // Act: version 3 records the revocation; after-render offers its notice.
    const revoked = consentSample('initial-revoked-en', f.env.prefix);
    const v3 = await f.ready(revoked);
    const noCalendar = {
      scheduleCalendar: async () => ({ cancelledReminders: [] }),
      cancelForWithdrawal: async () => ({ cancelledReminders: [] }),
    };
    const { afterDocumentsReady } = afterRender({
      queue: f.delivery.queue,
      schedule: noCalendar as unknown as AfterRenderParts['schedule'],
      links: f.delivery.links,
    });
    await afterDocumentsReady(
      revoked as unknown as Decision,
      v3.documents,
      revoked as unknown as DecisionOutcome,
    );
    await f.delivery.drain();

    // Assess: the revocation's link opens.
    const revokedLink = (await f.delivery.deliveriesFor(revoked.decisionId, 3)).find(
      (d) => d.recipientId === 'G-1',
    )?.link as string;
    expect(await status(revokedLink)).toBe(200);
    // The consented version's documents are still stored, byte for byte.
    for (const document of v2.documents) {
      const record = await f.records.get(document.documentId);
      expect(record?.sha256).toBe(document.sha256);
      const bytes = await f.store.get(document.s3Key);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(document.sha256);
    }
    // Their link closed as a superseded version's, not as a withdrawal: the version stays on record.
    expect(await status(givenLink)).toBe(404);
    const item = await f.env.clients.documents.get({
      TableName: f.env.names.tables.decisions,
      Key: { decisionId: given.decisionId, version: 2 },
    });
    expect(item.Item?.status).toBe('finalized');
  });
});
